/// The causal text transformer: token ids to one projected embedding per prompt.
struct TextTower {
    let config: CLIPConfig
    let weights: TextWeights

    /// Returns the position this tower pools for one prompt's ids.
    func pooledPosition(_ ids: [Int32]) -> Int {
        switch config.textPooling {
        case .highestID:
            // The first maximum, as torch.argmax returns.
            var best = 0
            for (position, id) in ids.enumerated() where id > ids[best] { best = position }
            return best
        case .firstID(let target):
            return ids.firstIndex(of: target) ?? 0
        }
    }

    /// Encodes prompts given as token ids (at most the context length each).
    /// Returns [prompts x projection dim], unnormalized.
    ///
    /// Under the causal mask no position attends to a later one, so each prompt
    /// is computed only up to its pooled position: the rows of all prompts are
    /// packed together for the linear layers and attend only within their prompt.
    func encode(ids prompts: [[Int32]], threads: Int) throws -> [[Float]] {
        var segments: [Segment] = []
        var start = 0
        for (index, ids) in prompts.enumerated() {
            guard !ids.isEmpty, ids.count <= config.contextLength else {
                throw CheckpointError.invalidTokenCount(index: index, count: ids.count, contextLength: config.contextLength)
            }
            for id in ids where id < 0 || Int(id) >= config.vocabularySize {
                throw CheckpointError.invalidTokenID(index: index, id: id, vocabularySize: config.vocabularySize)
            }
            let length = pooledPosition(ids) + 1
            segments.append(Segment(start: start, length: length))
            start += length
        }
        guard !prompts.isEmpty else { return [] }

        let width = config.text.width
        let rows = start
        var x = [Float](repeating: 0, count: rows * width)
        let pooled = x.withUnsafeMutableBufferPointer { buffer -> [Float] in
            guard let x = buffer.baseAddress else { return [] }
            weights.tokenEmbedding.withUnsafeBufferPointer { tokens in
                weights.positionalEmbedding.withUnsafeBufferPointer { positions in
                    for (segment, ids) in zip(segments, prompts) {
                        for position in 0..<segment.length {
                            let row = x + (segment.start + position) * width
                            let token = Int(ids[position]) * width
                            let offset = position * width
                            for i in 0..<width { row[i] = tokens[token + i] + positions[offset + i] }
                        }
                    }
                }
            }
            return runBlocks(weights.blocks, x: x, segments: segments, pooledPositions: segments.map { $0.length - 1 },
                             config: config.text, causal: true, threads: threads)
        }

        // Final norm and projection of the pooled (last computed) row of each prompt.
        return project(pooled, count: prompts.count, width: width, norm: weights.finalNorm,
                       epsilon: config.text.layerNormEpsilon, projection: weights.projection, threads: threads)
    }
}

import COpenBLAS

/// The ViT image tower: patches to one projected embedding per image.
struct VisionTower {
    let config: CLIPConfig
    let weights: VisionWeights

    /// Encodes images given as channel-first [3 x imageSize x imageSize] normalized tensors.
    /// Returns [images x projection dim], unnormalized.
    func encode(_ images: [[Float]], threads: Int) throws -> [[Float]] {
        let size = config.imageSize
        let expected = 3 * size * size
        for (index, image) in images.enumerated() where image.count != expected {
            throw CheckpointError.invalidImageTensor(index: index, count: image.count, expected: expected)
        }
        guard !images.isEmpty else { return [] }

        let width = config.vision.width
        let tokens = config.visionTokens
        let rows = images.count * tokens
        var x = [Float](repeating: 0, count: rows * width)
        let segments = (0..<images.count).map { Segment(start: $0 * tokens, length: tokens) }

        let pooled = x.withUnsafeMutableBufferPointer { buffer -> [Float] in
            guard let x = buffer.baseAddress else { return [] }
            embed(images, into: x)
            layerNorm(x, x, rows: rows, width: width, weights: weights.preNorm, epsilon: config.vision.layerNormEpsilon, threads: threads)
            return runBlocks(weights.blocks, x: x, segments: segments, pooledPositions: Array(repeating: 0, count: images.count),
                             config: config.vision, causal: false, threads: threads)
        }

        // Post-norm and projection of the class token (row 0) of each image only.
        return project(pooled, count: images.count, width: width, norm: weights.postNorm,
                       epsilon: config.vision.layerNormEpsilon, projection: weights.projection, threads: threads)
    }

    /// Writes [images * tokens x width]: class embedding in row 0 of each image,
    /// patch embeddings after it, positional embeddings added to all.
    private func embed(_ images: [[Float]], into x: UnsafeMutablePointer<Float>) {
        let width = config.vision.width
        let tokens = config.visionTokens
        let patch = config.patchSize
        let grid = config.gridSize
        let size = config.imageSize
        let patchValues = 3 * patch * patch
        var patches = [Float](repeating: 0, count: (tokens - 1) * patchValues)

        for (index, image) in images.enumerated() {
            // Unfold into [patches x (channel, row, column)] so the Conv2d with
            // stride = kernel = patch becomes one GEMM.
            image.withUnsafeBufferPointer { pixels in
                patches.withUnsafeMutableBufferPointer { unfolded in
                    for gridRow in 0..<grid {
                        for gridColumn in 0..<grid {
                            var target = (gridRow * grid + gridColumn) * patchValues
                            for channel in 0..<3 {
                                for row in 0..<patch {
                                    let source = channel * size * size + (gridRow * patch + row) * size + gridColumn * patch
                                    for column in 0..<patch {
                                        unfolded[target] = pixels[source + column]
                                        target += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }

            let imageRows = x + index * tokens * width
            patches.withUnsafeBufferPointer { unfolded in
                // rows 1... of this image [patches x width] = unfolded [patches x 3pp] * W^T, W [width x 3pp].
                // NoTrans, Trans; lda = ldb = 3pp, ldc = width.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                            Int32(tokens - 1), Int32(width), Int32(patchValues),
                            1, unfolded.baseAddress, Int32(patchValues),
                            weights.patchEmbedding.weight.pointer, Int32(patchValues),
                            0, imageRows + width, Int32(width))
            }

            weights.classEmbedding.withUnsafeBufferPointer { classEmbedding in
                for i in 0..<width { imageRows[i] = classEmbedding[i] }
            }
            weights.positionalEmbedding.withUnsafeBufferPointer { positions in
                for i in 0..<tokens * width { imageRows[i] += positions[i] }
            }
        }
    }
}

/// Layer-normalizes `count` pooled rows and applies a bias-free projection.
/// Returns one [projection dim] vector per row.
func project(_ pooled: [Float], count: Int, width: Int, norm: LayerNormWeights, epsilon: Float,
             projection: Linear, threads: Int) -> [[Float]] {
    var normalized = pooled
    var projected = [Float](repeating: 0, count: count * projection.outputs)
    normalized.withUnsafeMutableBufferPointer { rows in
        guard let rows = rows.baseAddress else { return }
        layerNorm(rows, rows, rows: count, width: width, weights: norm, epsilon: epsilon, threads: threads)
        projected.withUnsafeMutableBufferPointer { output in
            guard let output = output.baseAddress else { return }
            applyLinear(projection, rows, rows: count, into: output)
        }
    }
    return (0..<count).map { Array(projected[$0 * projection.outputs..<($0 + 1) * projection.outputs]) }
}

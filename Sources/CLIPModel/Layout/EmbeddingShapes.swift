/// The embedding and projection shapes that fix a ViT CLIP's sizes, read and
/// checked the same way for every naming scheme (OpenAI's and transformers').
struct EmbeddingShapes {
    let token: [Int]           // [vocab, text width]
    let position: [Int]        // [context length, text width]
    let patch: [Int]           // [vision width, 3, patch, patch]
    let visionPosition: [Int]  // [grid * grid + 1, vision width]
    let projection: [Int]      // [text width, projection dim] or its transpose, by scheme

    var textWidth: Int { token[1] }
    var visionWidth: Int { patch[0] }
    var patchSize: Int { patch[3] }
    var visionTokens: Int { visionPosition[0] }
    /// Patches per side: the vision positions are a square grid plus the class token.
    let grid: Int

    /// Reads the five shapes by tensor name and rejects any that is not a ViT CLIP's.
    init(_ reader: WeightReader, token tokenName: String, position positionName: String, patch patchName: String,
         visionPosition visionPositionName: String, projection projectionName: String) throws {
        let path = reader.source.path
        token = try reader.shape(tokenName)
        position = try reader.shape(positionName)
        patch = try reader.shape(patchName)
        visionPosition = try reader.shape(visionPositionName)
        projection = try reader.shape(projectionName)
        guard token.count == 2, position.count == 2, patch.count == 4, visionPosition.count == 2, projection.count == 2 else {
            throw CheckpointError.unsupportedArchitecture(path: path, reason: "embedding tensors do not have the ranks of a ViT CLIP")
        }

        let rows = visionPosition[0]
        grid = integerSquareRoot(rows - 1)
        guard grid * grid + 1 == rows, patch[1] == 3, patch[2] == patch[3] else {
            throw CheckpointError.unsupportedArchitecture(
                path: path, reason: "\(visionPositionName) has \(rows) rows, not a square grid plus a class token")
        }
    }
}

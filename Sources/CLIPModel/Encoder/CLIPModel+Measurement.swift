import COpenBLAS
import Dispatch
import Foundation

// Work counts and a reference SGEMM rate, for the benchmark's GFLOP/s figures.

extension CLIPModel {
    /// Floating-point operations (2 per multiply-add) of one encodeImages call on `batch` images,
    /// counting only the work done (the last block computes the class token's row alone).
    public func imageEncodeFLOPs(batch: Int) -> Double {
        let tokens = Double(config.visionTokens)
        let patchValues = Double(3 * config.patchSize * config.patchSize)
        let patches = 2 * Double(batch) * (tokens - 1) * patchValues * Double(config.vision.width)
        let blocks = towerFLOPs(config.vision, segmentLengths: Array(repeating: tokens, count: batch))
        return patches + blocks + 2 * Double(batch) * Double(config.vision.width) * Double(config.projectionDim)
    }

    /// Floating-point operations of one encodeText call on these prompts, counting only
    /// the work done (positions up to each prompt's pooled position, and the pooled row
    /// alone after the last block's keys and values).
    public func textEncodeFLOPs(ids: [[Int32]]) -> Double {
        let lengths = ids.map { Double(textTower.pooledPosition($0) + 1) }
        let blocks = towerFLOPs(config.text, segmentLengths: lengths)
        return blocks + 2 * Double(ids.count) * Double(config.text.width) * Double(config.projectionDim)
    }

    private func towerFLOPs(_ tower: TowerConfig, segmentLengths: [Double]) -> Double {
        guard tower.layers > 0 else { return 0 }
        let width = Double(tower.width)
        let rows = segmentLengths.reduce(0, +)
        let pooledRows = Double(segmentLengths.count)
        let perRowAfterAttention = 2 * (width * width + 2 * width * Double(tower.mlpWidth))
        let keysValuesQueries = 2 * rows * 3 * width * width
        // Scores and weighted values: two [L x L x width] products per segment over all heads.
        let attention = segmentLengths.reduce(0) { $0 + 4 * $1 * $1 * width }
        let fullBlock = keysValuesQueries + attention + rows * perRowAfterAttention
        // The last block: one query row per segment, so two [1 x L x width] products.
        let lastAttention = segmentLengths.reduce(0) { $0 + 4 * $1 * width }
        let lastBlock = keysValuesQueries + lastAttention + pooledRows * perRowAfterAttention
        return Double(tower.layers - 1) * fullBlock + lastBlock
    }

    /// Returns the GFLOP/s of a square float32 cblas_sgemm of `size` on the current
    /// thread count: the best of `repeats` runs after one warm-up.
    public static func measureSGEMMRate(size: Int = 2048, repeats: Int = 3) -> Double {
        applyThreadCount()
        let count = size * size
        let a = [Float](repeating: 0.5, count: count)
        let b = [Float](repeating: 0.25, count: count)
        var c = [Float](repeating: 0, count: count)
        var best = Double.infinity
        for run in 0...max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            c.withUnsafeMutableBufferPointer { output in
                // C [size x size] = A [size x size] * B [size x size]; NoTrans, NoTrans; lda = ldb = ldc = size.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(size), Int32(size), Int32(size),
                            1, a, Int32(size), b, Int32(size), 0, output.baseAddress, Int32(size))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if run > 0 { best = min(best, seconds) }
        }
        return 2 * Double(size) * Double(size) * Double(size) / best / 1e9
    }
}

import Foundation
import XCTest
@testable import CLIPModel

final class ExponentialTests: XCTestCase {
    func testExponentialMatchesExpOnGrid() {
        var worst = 0.0
        var worstInput: Float = 0
        var start: Float = -87
        while start < 88 {
            let lanes = SIMD16<Float>((0..<16).map { min(88, start + Float($0) * 1e-3) })
            let values = exponential(lanes)
            for lane in 0..<16 {
                let exact = Foundation.exp(Double(lanes[lane]))
                let error = abs(Double(values[lane]) - exact) / exact
                if error > worst {
                    worst = error
                    worstInput = lanes[lane]
                }
            }
            start += 0.0371
        }
        XCTAssertLessThan(worst, 1e-7, "worst relative error at x = \(worstInput)")
    }

    func testExponentialClampsOutOfRangeInputs() {
        var lanes = SIMD16<Float>(repeating: 0)
        lanes[0] = -1000
        lanes[1] = 1000
        lanes[2] = -.infinity
        lanes[3] = .infinity
        let values = exponential(lanes)
        XCTAssertEqual(Double(values[0]), Foundation.exp(-87.0), accuracy: Foundation.exp(-87.0) * 1e-6)
        XCTAssertEqual(Double(values[1]), Foundation.exp(88.0), accuracy: Foundation.exp(88.0) * 1e-6)
        XCTAssertEqual(Double(values[2]), Foundation.exp(-87.0), accuracy: Foundation.exp(-87.0) * 1e-6)
        XCTAssertEqual(Double(values[3]), Foundation.exp(88.0), accuracy: Foundation.exp(88.0) * 1e-6)
        XCTAssertEqual(values[4], 1)
    }

    func testQuickGELUTailMatchesVectorPath() {
        // 35 values: two 16-lane blocks and a 3-value tail computed with expf.
        var values = (0..<35).map { Float($0) * 0.37 - 6 }
        let inputs = values
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return XCTFail("empty buffer") }
            activate(base, count: buffer.count, .quickGELU, threads: 1)
        }
        for (index, x) in inputs.enumerated() {
            let expected = Double(x) / (1 + Foundation.exp(-1.702 * Double(x)))
            XCTAssertEqual(Double(values[index]), expected, accuracy: 1e-6 * max(1, abs(expected)), "x = \(x)")
        }
    }
}

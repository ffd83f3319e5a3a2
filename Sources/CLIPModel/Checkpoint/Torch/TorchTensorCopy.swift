/// Converts a strided torch tensor view into contiguous float32 values.
enum TorchTensorCopy {
    /// Copies `view` out of its storage bytes (little-endian) in row-major order.
    /// The view's bounds were checked against the storage when it was unpickled.
    static func floats(from bytes: [UInt8], dtype: TensorDType, view: TorchTensor) -> [Float] {
        let count = view.shape.reduce(1, *)
        guard count > 0 else { return [] }
        let indices = elementIndices(view, count: count)
        precondition(indices.last.map { ($0 + 1) * dtype.byteCount <= bytes.count } ?? true, "storage size was checked at unpickling")

        return bytes.withUnsafeBytes { raw -> [Float] in
            switch dtype {
            case .float32: return indices.map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
            case .float16: return indices.map { halfToFloat(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian) }
            case .bfloat16: return indices.map { Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian) << 16) }
            case .float64: return indices.map { Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self).littleEndian)) }
            case .int64: return indices.map { Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
            case .int32: return indices.map { Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) }
            case .uint8: return indices.map { Float(raw[$0]) }
            }
        }
    }

    /// Storage element index of each view element, in row-major order.
    /// A contiguous view is one range; otherwise an odometer walks the dimensions.
    private static func elementIndices(_ view: TorchTensor, count: Int) -> [Int] {
        var expected = 1
        var isContiguous = true
        for (size, stride) in zip(view.shape, view.strides).reversed() where size != 1 {
            if stride != expected { isContiguous = false }
            expected *= size
        }
        if isContiguous { return Array(view.offset..<(view.offset + count)) }

        var indices = [Int]()
        indices.reserveCapacity(count)
        var position = [Int](repeating: 0, count: view.shape.count)
        var index = view.offset
        for _ in 0..<count {
            indices.append(index)
            var dimension = view.shape.count - 1
            while dimension >= 0 {
                position[dimension] += 1
                index += view.strides[dimension]
                if position[dimension] < view.shape[dimension] { break }
                index -= view.strides[dimension] * view.shape[dimension]
                position[dimension] = 0
                dimension -= 1
            }
        }
        return indices
    }

    /// IEEE 754 binary16 to binary32, exact for every value including subnormals, infinities and NaN.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Subnormal half: mantissa x 2^-24, exactly representable in float32.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
        }
    }
}

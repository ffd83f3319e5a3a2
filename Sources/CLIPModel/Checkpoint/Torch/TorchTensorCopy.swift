/// Converts a strided torch tensor view into contiguous float32 values.
enum TorchTensorCopy {
    /// Copies `view` out of its storage bytes (little-endian) in row-major order.
    /// The view's bounds were checked against the storage when it was unpickled.
    static func floats(from bytes: [UInt8], dtype: TensorDType, view: TorchTensor) -> [Float] {
        let count = view.shape.reduce(1, *)
        guard count > 0 else { return [] }
        // A contiguous view (the usual case) converts one range without an index table.
        let indices: [Int]? = isContiguous(view) ? nil : elementIndices(view, count: count)
        let lastIndex = indices?.last ?? view.offset + count - 1
        precondition((lastIndex + 1) * dtype.byteCount <= bytes.count, "storage size was checked at unpickling")

        return bytes.withUnsafeBytes { raw -> [Float] in
            switch dtype {
            case .float32: return gather(raw, UInt32.self, view.offset, count, indices) { Float(bitPattern: UInt32(littleEndian: $0)) }
            case .float16: return gather(raw, UInt16.self, view.offset, count, indices) { halfToFloat(UInt16(littleEndian: $0)) }
            case .bfloat16: return gather(raw, UInt16.self, view.offset, count, indices) { Float(bitPattern: UInt32(UInt16(littleEndian: $0)) << 16) }
            case .float64: return gather(raw, UInt64.self, view.offset, count, indices) { Float(Double(bitPattern: UInt64(littleEndian: $0))) }
            case .int64: return gather(raw, Int64.self, view.offset, count, indices) { Float(Int64(littleEndian: $0)) }
            case .int32: return gather(raw, Int32.self, view.offset, count, indices) { Float(Int32(littleEndian: $0)) }
            case .uint8: return gather(raw, UInt8.self, view.offset, count, indices) { Float($0) }
            }
        }
    }

    /// Loads `count` elements of type `Element` (from `offset` on, or at `indices`)
    /// and converts each; inlined so each dtype gets its own tight loop.
    @inline(__always)
    private static func gather<Element>(_ raw: UnsafeRawBufferPointer, _ type: Element.Type, _ offset: Int, _ count: Int,
                                        _ indices: [Int]?, _ convert: (Element) -> Float) -> [Float] {
        let size = MemoryLayout<Element>.size
        return [Float](unsafeUninitializedCapacity: count) { output, initialized in
            if let indices {
                for (position, index) in indices.enumerated() {
                    output[position] = convert(raw.loadUnaligned(fromByteOffset: index * size, as: Element.self))
                }
            } else {
                for position in 0..<count {
                    output[position] = convert(raw.loadUnaligned(fromByteOffset: (offset + position) * size, as: Element.self))
                }
            }
            initialized = count
        }
    }

    /// True when the strides are row-major for the shape (dimensions of size 1 may have any stride).
    static func isContiguous(_ view: TorchTensor) -> Bool {
        var expected = 1
        for (size, stride) in zip(view.shape, view.strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }

    /// Storage element index of each element of a non-contiguous view, in row-major order.
    private static func elementIndices(_ view: TorchTensor, count: Int) -> [Int] {
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

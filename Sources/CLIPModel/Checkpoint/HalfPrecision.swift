// Conversions from the 16-bit float formats stored in checkpoints to float32.

/// Converts one IEEE 754 binary16 value, including subnormals, infinities and NaN.
@inline(__always)
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    var mantissa = UInt32(bits & 0x3FF)

    if exponent == 0x1F {
        // Infinity or NaN: keep the payload.
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {
        if mantissa == 0 { return Float(bitPattern: sign) }
        // Subnormal half: normalize it into a float32 exponent.
        var shifted: UInt32 = 0
        while mantissa & 0x400 == 0 {
            mantissa <<= 1
            shifted += 1
        }
        mantissa &= 0x3FF
        return Float(bitPattern: sign | ((113 - shifted) << 23) | (mantissa << 13))
    }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// Converts one bfloat16 value: the high 16 bits of a float32.
@inline(__always)
func floatFromBFloat16(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

/// Converts `count` little-endian elements of `dtype` at `source` into `destination`.
/// Callers have checked that `source` contains `count * dtype.byteCount` bytes.
func convertToFloat32(_ source: UnsafeRawPointer, dtype: TensorDType, count: Int, into destination: UnsafeMutablePointer<Float>) {
    switch dtype {
    case .float32:
        #if _endian(little)
        destination.withMemoryRebound(to: UInt8.self, capacity: count &* 4) { bytes in
            bytes.update(from: source.assumingMemoryBound(to: UInt8.self), count: count &* 4)
        }
        #else
        for i in 0..<count {
            destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)))
        }
        #endif
    case .float16:
        for i in 0..<count {
            destination[i] = floatFromHalf(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)))
        }
    case .bfloat16:
        for i in 0..<count {
            destination[i] = floatFromBFloat16(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)))
        }
    case .float64:
        for i in 0..<count {
            destination[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))))
        }
    case .int64:
        for i in 0..<count {
            destination[i] = Float(Int64(littleEndian: source.loadUnaligned(fromByteOffset: i &* 8, as: Int64.self)))
        }
    case .int32:
        for i in 0..<count {
            destination[i] = Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: i &* 4, as: Int32.self)))
        }
    case .uint8:
        for i in 0..<count {
            destination[i] = Float(source.load(fromByteOffset: i, as: UInt8.self))
        }
    }
}

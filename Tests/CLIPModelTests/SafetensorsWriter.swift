import Foundation
@testable import CLIPModel

/// Writes safetensors files for tests, including deliberately malformed ones.
enum SafetensorsWriter {
    struct Tensor {
        let name: String
        let shape: [Int]
        let values: [Float]
    }

    /// Writes an 8-byte little-endian header length, `header` and `data`, unvalidated.
    static func writeRaw(header: String, data: [UInt8], to url: URL, declaredLength: UInt64? = nil) throws {
        let headerBytes = Array(header.utf8)
        var bytes: [UInt8] = []
        let length = declaredLength ?? UInt64(headerBytes.count)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8((length >> UInt64(shift)) & 0xFF)) }
        bytes += headerBytes + data
        try Data(bytes).write(to: url)
    }

    /// Writes valid F32 tensors.
    static func write(_ tensors: [Tensor], to url: URL) throws {
        var entries: [String] = []
        var data: [UInt8] = []
        for tensor in tensors {
            let begin = data.count
            for value in tensor.values {
                let bits = value.bitPattern
                for shift in stride(from: 0, to: 32, by: 8) { data.append(UInt8((bits >> UInt32(shift)) & 0xFF)) }
            }
            entries.append("\"\(tensor.name)\":{\"dtype\":\"F32\",\"shape\":\(tensor.shape),\"data_offsets\":[\(begin),\(data.count)]}")
        }
        try writeRaw(header: "{" + entries.joined(separator: ",") + "}", data: data, to: url)
    }

    /// Copies every tensor of `source` as F32, leaving out `drop` and giving `reshape` a new shape (zero-filled).
    static func rewrite(_ source: String, to url: URL, drop: String? = nil, reshape: (name: String, shape: [Int])? = nil) throws {
        let file = try SafetensorsFile(path: source)
        var tensors: [Tensor] = []
        for (name, info) in file.tensors.sorted(by: { $0.key < $1.key }) where name != drop {
            if let reshape, reshape.name == name {
                tensors.append(Tensor(name: name, shape: reshape.shape, values: [Float](repeating: 0, count: reshape.shape.reduce(1, *))))
            } else {
                tensors.append(Tensor(name: name, shape: info.shape, values: try file.floats(name)))
            }
        }
        try write(tensors, to: url)
    }

    /// Copies every tensor of `source` as F32 after `edit` has changed the list, which arrives sorted by name.
    static func rewrite(_ source: String, to url: URL, edit: (inout [Tensor]) -> Void) throws {
        let file = try SafetensorsFile(path: source)
        var tensors = try file.tensors.keys.sorted().map { name in
            Tensor(name: name, shape: file.tensors[name]?.shape ?? [], values: try file.floats(name))
        }
        edit(&tensors)
        try write(tensors, to: url)
    }
}

import Foundation

/// A JSON object read from a config file, with typed getters whose errors name the file and key.
struct JSONConfig {
    let path: String
    let object: [String: Any]
    /// The keys leading to this object, such as "text_config.", so messages name the full key.
    let keyPrefix: String

    init(path: String, object: [String: Any], keyPrefix: String = "") {
        self.path = path
        self.object = object
        self.keyPrefix = keyPrefix
    }

    /// Parses the JSON object in the file at `path`.
    init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.unreadable(path: path, reason: "cannot read the file")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw CheckpointError.invalidConfig(path: path, reason: "not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw CheckpointError.invalidConfig(path: path, reason: "the top level is not a JSON object")
        }
        self.init(path: path, object: object)
    }

    /// Returns the key as the file spells it, such as "vision_config.patch_size".
    func qualified(_ key: String) -> String { keyPrefix + key }

    /// Writes a JSON value for an error message with its type visible, so
    /// "48" (a string) is not mistaken for the number 48.
    static func describeValue(_ value: Any) -> String {
        switch value {
        case let text as String:
            return "\"\(text.count > 80 ? String(text.prefix(80)) + "…" : text)\" (a string)"
        case let number as NSNumber:
            // JSON true and false arrive as NSNumber of type "c".
            if String(cString: number.objCType) == "c" {
                return number.boolValue ? "true" : "false"
            }
            return "\(number)"
        case is [Any]:
            return "an array"
        case is [String: Any]:
            return "an object"
        default:
            return "\(value)"
        }
    }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    func child(_ key: String) throws -> JSONConfig? {
        guard has(key) else { return nil }
        guard let value = object[key] as? [String: Any] else {
            throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is not an object")
        }
        return JSONConfig(path: path, object: value, keyPrefix: qualified(key) + ".")
    }

    /// True when the file writes `key` as null, which `has` treats like a missing key.
    func isNull(_ key: String) -> Bool { object[key] is NSNull }

    /// True when the value at `key` is a JSON object, not a number or another value.
    func isObject(_ key: String) -> Bool { object[key] is [String: Any] }

    func int(_ key: String) throws -> Int? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = jsonInteger(value) else {
            throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is not an integer: \(Self.describeValue(value))")
        }
        return number
    }

    func float(_ key: String) throws -> Float? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
            throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is not a number: \(Self.describeValue(value))")
        }
        return number.floatValue
    }

    func double(_ key: String) throws -> Double? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
            throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is not a number: \(Self.describeValue(value))")
        }
        return number.doubleValue
    }

    func floats(_ key: String) throws -> [Float]? {
        guard has(key), let value = object[key] else { return nil }
        guard let array = value as? [Any] else {
            throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is not an array of numbers")
        }
        return try array.map { element in
            guard let number = element as? NSNumber, String(cString: number.objCType) != "c" else {
                throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is not an array of numbers")
            }
            return number.floatValue
        }
    }

    func string(_ key: String) throws -> String? {
        guard has(key), let value = object[key] else { return nil }
        guard let text = value as? String else {
            throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is not a string: \(Self.describeValue(value))")
        }
        return text
    }

    func bool(_ key: String) throws -> Bool? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
            throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is not true or false: \(Self.describeValue(value))")
        }
        return number.boolValue
    }

    /// Reads an activation name as transformers and open_clip spell them.
    func activation(_ key: String) throws -> Activation? {
        guard let name = try string(key) else { return nil }
        switch name {
        case "quick_gelu": return .quickGELU
        case "gelu": return .gelu
        default:
            throw CheckpointError.invalidConfig(path: path, reason: "'\(qualified(key))' is '\(name)'; supported activations are quick_gelu and gelu")
        }
    }

    /// Throws when the config states `key` and its value differs from `found`, the
    /// size read from the tensors that `evidence` describes.
    func expect(_ key: String, equals found: Int, evidence: String) throws {
        guard let stated = try int(key), stated != found else { return }
        throw CheckpointError.configMismatch(path: path, key: qualified(key), configValue: "\(stated)",
                                             checkpointValue: found, evidence: evidence)
    }

    /// Throws when the config states `key` as a head count or head width that is not
    /// a positive divisor of `width`, the tower width read from the tensors.
    func expectDivisor(_ key: String, of width: Int, tower: String) throws {
        guard let stated = try int(key) else { return }
        guard stated <= 0 || width % stated != 0 else { return }
        throw CheckpointError.invalidConfig(
            path: path, reason: "\(qualified(key)) is \(stated), which does not divide the \(tower) width \(width) read from the tensors; set it to a divisor of \(width), as in the config saved with these weights")
    }
}

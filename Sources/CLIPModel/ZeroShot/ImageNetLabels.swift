import Foundation

/// The built-in ImageNet label set: OpenAI's 1000 class names and 80 prompt
/// templates, from Resources/ (source and license in LICENSE-imagenet-labels.txt).
public enum ImageNetLabels {
    /// Returns the 1000 class names in ImageNet class-index order.
    public static func classNames() throws -> [String] {
        try lines(of: "imagenet_classes")
    }

    /// Returns the 80 templates of CLIP's ImageNet evaluation, with "{}" for the label.
    public static func templates() throws -> [String] {
        try lines(of: "imagenet_templates")
    }

    private static func lines(of resource: String) throws -> [String] {
        guard let url = Bundle.module.url(forResource: resource, withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw CheckpointError.unreadable(path: "\(resource).txt", reason: "the resource is missing from the CLIPModel bundle")
        }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}

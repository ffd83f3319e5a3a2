/// ftfy's encoding repair: text that was UTF-8 but got decoded as a
/// single-byte encoding (Windows-1252, Latin-1, ...) is re-encoded and decoded
/// as UTF-8 when ftfy's badness heuristic flags it.
enum Mojibake {
    /// NOTE: not implemented yet; text passes through unchanged.
    static func fixEncoding(_ text: TrackedText) -> TrackedText {
        text
    }
}

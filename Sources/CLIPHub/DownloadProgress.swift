import Foundation

/// A one-line progress bar for standard error: file, percentage, bytes,
/// speed and ETA, redrawn in place at most ten times a second. Callers create
/// it only when standard error is a terminal.
final class DownloadProgress: @unchecked Sendable {
    private let write: (String) -> Void
    private let lock = NSLock()
    private var label = ""
    private var total: Int64?
    private var received: Int64 = 0
    /// Bytes present before this run (a resumed download), excluded from the speed.
    private var resumedFrom: Int64 = 0
    private var started = Date()
    private var lastDraw = Date.distantPast

    init(write: @escaping (String) -> Void) {
        self.write = write
    }

    func start(file: String, total: Int64?, alreadyReceived: Int64) {
        lock.lock()
        defer { lock.unlock() }
        label = file
        self.total = total
        received = alreadyReceived
        resumedFrom = alreadyReceived
        started = Date()
        lastDraw = .distantPast
        draw(force: true)
    }

    func advance(by count: Int) {
        lock.lock()
        defer { lock.unlock() }
        received += Int64(count)
        draw(force: false)
    }

    /// Restarts the count at zero when the server ignored a range request.
    func reset() {
        lock.lock()
        defer { lock.unlock() }
        received = 0
        resumedFrom = 0
        started = Date()
    }

    /// Draws the final state and moves to the next line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        draw(force: true)
        write("\n")
    }

    private func draw(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now

        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let speed = Double(received - resumedFrom) / elapsed
        var line = label.count > 32 ? "…" + label.suffix(31) : label.padding(toLength: 32, withPad: " ", startingAt: 0)
        if let total, total > 0 {
            let fraction = min(Double(received) / Double(total), 1)
            let filled = Int(fraction * 20)
            line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
            line += String(format: " %3d%%", Int(fraction * 100))
            line += " " + ByteCountText.format(received) + "/" + ByteCountText.format(total)
            line += " " + ByteCountText.format(Int64(speed)) + "/s"
            if speed > 0, received < total {
                line += " ETA " + Self.clock(Double(total - received) / speed)
            }
        } else {
            line += " " + ByteCountText.format(received) + " " + ByteCountText.format(Int64(speed)) + "/s"
        }
        // Carriage return and erase-to-end-of-line redraw the same terminal line.
        write("\r" + line + "\u{1B}[K")
    }

    private static func clock(_ seconds: Double) -> String {
        let whole = Int(min(seconds, 359_999))
        return String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
    }
}

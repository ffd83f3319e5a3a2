import CLIPModel
import CLIPTokenizer
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Program {
    static let benchEncoderCommand = Command(
        name: "bench-encoder",
        summary: "time model loading and encoding on synthetic inputs (used by tools/bench)",
        usage: ["bench-encoder [--model M] [--threads N] [--image-batch B]... [--text-batch B]... [--repeat R]"],
        options: [
            .model,
            .threads,
            .value("--image-batch", "B", repeatable: true, help: "image batch size to time (repeatable; default 1 and 8)"),
            .value("--text-batch", "B", repeatable: true, help: "text batch size to time (repeatable; default 1 and 32)"),
            .value("--repeat", "R", help: "timed runs per case after one warm-up; the median is reported (default 5)"),
            .value("--prompt", "T", help: "prompt repeated to fill text batches (default \"a photo of a dog playing in the snow\")"),
        ],
        details: """
        Prints one JSON object: load seconds (after the bundled vocab, timed on its own), milliseconds per encode call for each batch
        size (wall time, and the CPU time of the whole process, which a busy machine disturbs less), the achieved GFLOP/s, the GFLOP/s of a 2048 x 2048 cblas_sgemm on the same
        threads, and the peak resident memory after loading and at the end (MB).
        Images are a fixed pseudo-random pattern, already preprocessed.
        """,
        run: { arguments, output in try runBenchEncoder(arguments, &output) })

    static func runBenchEncoder(_ arguments: ParsedArguments, _ output: inout CommandOutput) throws -> Int32 {
        if let extra = arguments.positionals.first { throw UsageError("unexpected argument '\(extra)'") }
        let repeats = try arguments.int("--repeat", default: 5, in: 1...1000)
        let imageBatches = try batchSizes(arguments, "--image-batch", default: [1, 8])
        let textBatches = try batchSizes(arguments, "--text-batch", default: [1, 32])
        let prompt = arguments.value("--prompt") ?? "a photo of a dog playing in the snow"

        // The bundled vocab is parsed once per process; timing it first keeps the
        // model's load time to its own work for checkpoints without vocab files.
        let tokenizerStart = DispatchTime.now().uptimeNanoseconds
        _ = try CLIPTokenizer.bundled()
        let tokenizerSeconds = Double(DispatchTime.now().uptimeNanoseconds - tokenizerStart) / 1e9

        let loadStart = DispatchTime.now().uptimeNanoseconds
        let model = try loadModel(arguments, &output)
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        let loadPeak = peakResidentMegabytes()

        var fields = [
            "\"model\":\(jsonString(model.name))",
            "\"threads\":\(CLIPModel.threadCount)",
            "\"load_seconds\":\(loadSeconds)",
            "\"bundled_tokenizer_seconds\":\(tokenizerSeconds)",
            "\"peak_rss_after_load_mb\":\(loadPeak)",
        ]

        let size = model.config.imageSize
        let image = (0..<(3 * size * size)).map { Float(($0 * 7919) % 255) / 127.5 - 1 }
        for batch in imageBatches {
            let images = [[Float]](repeating: image, count: batch)
            let (milliseconds, cpuMilliseconds) = try medianMilliseconds(repeats) { _ = try model.encodeImages(images) }
            let gflops = model.imageEncodeFLOPs(batch: batch) / (milliseconds / 1000) / 1e9
            fields.append("\"image_batch_\(batch)_ms\":\(milliseconds)")
            fields.append("\"image_batch_\(batch)_cpu_ms\":\(cpuMilliseconds)")
            fields.append("\"image_batch_\(batch)_gflops\":\(gflops)")
        }
        let ids = try model.tokenizer.tokenize(prompt, contextLength: model.config.contextLength)
        for batch in textBatches {
            let prompts = [[Int32]](repeating: ids, count: batch)
            let (milliseconds, cpuMilliseconds) = try medianMilliseconds(repeats) { _ = try model.encodeText(ids: prompts) }
            let gflops = model.textEncodeFLOPs(ids: prompts) / (milliseconds / 1000) / 1e9
            fields.append("\"text_batch_\(batch)_ms\":\(milliseconds)")
            fields.append("\"text_batch_\(batch)_cpu_ms\":\(cpuMilliseconds)")
            fields.append("\"text_batch_\(batch)_gflops\":\(gflops)")
        }
        fields.append("\"sgemm_gflops\":\(CLIPModel.measureSGEMMRate())")
        fields.append("\"peak_rss_mb\":\(peakResidentMegabytes())")
        output.out("{" + fields.joined(separator: ",") + "}\n")
        return 0
    }

    private static func batchSizes(_ arguments: ParsedArguments, _ name: String, default fallback: [Int]) throws -> [Int] {
        let values = arguments.all(name)
        guard !values.isEmpty else { return fallback }
        return try values.map { text in
            guard let size = Int(text), (1...4096).contains(size) else {
                throw UsageError("invalid value '\(text)' for \(name): expected a whole number from 1 to 4096")
            }
            return size
        }
    }

    /// Returns the median wall time and the median process CPU time of `repeats` runs, in milliseconds.
    private static func medianMilliseconds(_ repeats: Int, _ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
        try body()  // warm-up: page faults, OpenBLAS thread start
        var wallTimes: [Double] = []
        var cpuTimes: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = processCPUNanoseconds()
            try body()
            cpuTimes.append(Double(processCPUNanoseconds() - cpuStart) / 1e6)
            wallTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return (wallTimes.sorted()[repeats / 2], cpuTimes.sorted()[repeats / 2])
    }

    /// Returns the CPU time used so far by every thread of this process.
    private static func processCPUNanoseconds() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }

    /// Returns VmHWM from /proc/self/status in MB, or -1 where it is unavailable.
    private static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kilobytes / 1024
    }
}

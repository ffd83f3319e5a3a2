// swift-tools-version:6.0
// clip-explorer: a terminal explorer for OpenAI's CLIP tokenizer and encoder.
// Layers, lowest first: C libraries (system-library targets), the core
// (CLIPTokenizer, CLIPImage, CLIPModel, CLIPHub), the terminal UI, and the
// command-line front end. A target never imports a layer above it.
import PackageDescription

let apt: (String) -> [SystemPackageProvider] = { [.apt([$0])] }

let package = Package(
    name: "clip-explorer",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "clip-explorer", targets: ["clip-explorer"]),
    ],
    targets: [
        // MARK: - C libraries from Debian
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: apt("libopenblas-dev")),
        .systemLibrary(name: "CNcursesw", providers: apt("libncurses-dev")),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: apt("libjpeg62-turbo-dev")),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: apt("libpng-dev")),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: apt("libwebp-dev")),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: apt("zlib1g-dev")),

        // C glue for what Swift cannot express: libjpeg's and libpng's
        // setjmp/longjmp error handling, and ncurses macros.
        .target(
            name: "CImageCodecs",
            dependencies: ["CJPEG", "CPNG", "CWebP"],
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("webp")]
        ),
        .target(
            name: "CTerminal",
            dependencies: ["CNcursesw"],
            cSettings: [.define("_XOPEN_SOURCE_EXTENDED", to: "1"), .define("NCURSES_WIDECHAR", to: "1")],
            linkerSettings: [.linkedLibrary("ncursesw")]
        ),

        // MARK: - Core
        .target(
            name: "CLIPTokenizer",
            dependencies: ["CZlib"],
            resources: [.copy("Resources/bpe_simple_vocab_16e6.txt.gz"), .copy("Resources/LICENSE-CLIP-vocab.txt")]
        ),
        .target(name: "CLIPImage", dependencies: ["CImageCodecs"]),
        .target(
            name: "CLIPModel",
            dependencies: ["CLIPTokenizer", "CLIPImage", "COpenBLAS", "CZlib"],
            resources: [.copy("Resources/imagenet_classes.txt"), .copy("Resources/imagenet_templates.txt"),
                        .copy("Resources/LICENSE-imagenet-labels.txt")]
        ),
        .target(name: "CLIPHub", dependencies: ["CLIPModel"]),

        // MARK: - Front ends
        .target(name: "ExplorerUI", dependencies: ["CLIPTokenizer", "CLIPImage", "CLIPModel", "CTerminal"]),
        .target(name: "ExplorerCLI", dependencies: ["CLIPTokenizer", "CLIPImage", "CLIPModel", "CLIPHub", "ExplorerUI"]),
        .executableTarget(name: "clip-explorer", dependencies: ["ExplorerCLI"]),

        // MARK: - Tests
        .testTarget(name: "CLIPTokenizerTests", dependencies: ["CLIPTokenizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLIPImageTests", dependencies: ["CLIPImage", "CZlib"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLIPModelTests", dependencies: ["CLIPModel"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLIPHubTests", dependencies: ["CLIPHub"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ExplorerUITests", dependencies: ["ExplorerUI"]),
        .testTarget(name: "ExplorerCLITests", dependencies: ["ExplorerCLI"]),
    ],
    // Swift 5 mode: the core shares immutable tables (vocab, weights) across
    // threads through classes marked @unchecked Sendable.
    swiftLanguageModes: [.v5]
)

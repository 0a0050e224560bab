// swift-tools-version: 6.0
import PackageDescription

// Elementwise kernels are plain Swift loops; haswell (AVX2 + FMA) lets the compiler vectorise them
// instead of calling libm fmaf (see PLATFORM-NOTES.md). Matrix work goes through OpenBLAS.
let fastMath: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux]))]

let package = Package(
  name: "treepo",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "treepo", targets: ["treepo"]),
    .library(name: "TreePOEngine", targets: ["TreePOEngine"]),
    .library(name: "TreePOTrace", targets: ["TreePOTrace"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    // No pkgConfig: its -D_XOPEN_SOURCE flags are dropped by SwiftPM anyway (with a warning);
    // the shim header defines what the wide-character API needs and the headers sit on the default path.
    .systemLibrary(name: "CNcursesw", providers: [.apt(["libncursesw5-dev"])]),
    // The trace format (events, header, writer, reader, JSON): a leaf, the interface between
    // engine, importers and explorer.
    .target(name: "TreePOTrace"),
    // gzip'd rollout dumps and hook traces (`treepo import`).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // Decode kernels over compact weights (bf16, Q8_0): C for per-function AVX2 / AVX-512 targets,
    // chosen at run time. Optimised in debug builds too, so debug test runs stay quick.
    .target(name: "CDecodeKernels", cSettings: [.unsafeFlags(["-O3"])]),
    .target(
      name: "TreePOEngine", dependencies: ["TreePOTrace", "CBLAS", "CZlib", "CDecodeKernels"],
      swiftSettings: fastMath),
    .target(
      name: "TreePOExplorer", dependencies: ["TreePOTrace"],
      swiftSettings: fastMath),
    .executableTarget(
      name: "treepo",
      dependencies: [
        "TreePOEngine", "TreePOExplorer", "CNcursesw",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: fastMath),
    // Test helpers shared by every test target (float-tensor comparison): a target, because SwiftPM
    // cannot share one source file between test targets. Only test targets link it.
    .target(name: "TreePOTestSupport", path: "Tests/TreePOTestSupport"),
    .testTarget(
      name: "TreePOEngineTests", dependencies: ["TreePOEngine", "TreePOTestSupport"],
      resources: [.copy("Fixtures")],
      swiftSettings: fastMath),
    .testTarget(name: "TreePOTraceTests", dependencies: ["TreePOTrace", "TreePOTestSupport"]),
    .testTarget(
      name: "TreePOExplorerTests",
      dependencies: ["TreePOExplorer", "TreePOTrace", "TreePOTestSupport"],
      swiftSettings: fastMath),
    // Drives the real release binary in tmux; see Tests/TreepoEndToEndTests.
    .testTarget(
      name: "TreepoEndToEndTests", dependencies: ["TreePOEngine", "TreePOTestSupport"],
      swiftSettings: fastMath),
  ],
  swiftLanguageModes: [.v6]
)

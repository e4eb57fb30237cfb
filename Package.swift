// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "docmerge",
    products: [
        .executable(name: "docmerge", targets: ["docmerge"]),
        .executable(name: "docmerge-stress", targets: ["docmerge-stress"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // Linux calls Swift's Glibc module does not declare (renameat2).
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "DocmergeSQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "DocmergeModel", swiftSettings: strict),
        // The serial-queue executor the pipeline's and the notifier's blocking actors run on.
        .target(name: "DocmergeConcurrency", swiftSettings: strict),
        .target(name: "DocmergeCore", dependencies: ["DocmergeSQLite", "DocmergeModel"], swiftSettings: strict),
        .target(name: "DocmergeNotify", dependencies: ["DocmergeConcurrency", "DocmergeCore", "DocmergeModel"], swiftSettings: strict),
        .target(name: "DocmergePipeline", dependencies: ["CLinux", "DocmergeConcurrency", "DocmergeCore", "DocmergeModel", "DocmergeNotify"], swiftSettings: strict),
        .target(name: "DocmergeConsole", dependencies: ["DocmergeCore", "DocmergeModel"], swiftSettings: strict),
        // DOCMERGE_FAULTS: the fault-injection seam (tests, drills) exists only in debug builds.
        .executableTarget(name: "docmerge", dependencies: ["DocmergePipeline", "DocmergeCore", "DocmergeModel", "DocmergeConsole", "DocmergeNotify"],
                          resources: [.copy("Samples")],
                          swiftSettings: strict + [.define("DOCMERGE_FAULTS", .when(configuration: .debug))]),
        // The stress kit reads and locks the database through the store's own API, never SQLite.
        .target(name: "DocmergeStressKit", dependencies: ["DocmergeCore", "DocmergeModel"],
                path: "Stress/StressKit", swiftSettings: strict),
        .executableTarget(name: "docmerge-stress", dependencies: ["DocmergeStressKit", "DocmergeCore", "DocmergeModel", "DocmergeConsole"],
                          path: "Stress/docmerge-stress", swiftSettings: strict),
        .target(name: "DocmergeTestSupport", dependencies: ["DocmergeModel"], path: "Tests/Support",
                swiftSettings: strict),
        .testTarget(name: "DocmergeModelTests", dependencies: ["DocmergeModel", "DocmergeTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "DocmergeCoreTests",
                    dependencies: ["DocmergeCore", "DocmergeSQLite", "DocmergeModel", "DocmergeTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "DocmergePipelineTests",
                    dependencies: ["DocmergePipeline", "DocmergeCore", "DocmergeModel", "DocmergeTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "DocmergeConsoleTests", dependencies: ["DocmergeConsole", "DocmergeCore", "DocmergeModel"],
                    swiftSettings: strict),
        .testTarget(name: "DocmergeEndToEndTests",
                    dependencies: ["DocmergeCore", "DocmergeModel", "DocmergePipeline", "DocmergeNotify", "DocmergeTestSupport",
                                   "DocmergeStressKit", "DocmergeConsole", "docmerge"],
                    swiftSettings: strict),
    ]
)

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "board",
    products: [
        .executable(name: "board", targets: ["board"]),
        .library(name: "BoardKit", targets: ["BoardKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/JohnSundell/Plot", exact: "0.14.0"),
        .package(url: "https://github.com/JohnSundell/Ink", exact: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "Clibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(
            name: "BoardKit",
            dependencies: ["Clibgit2", "Yams", "Rainbow", .product(name: "CSV", package: "CSV.swift"), "Plot", "Ink"],
            resources: [.copy("Resources/board-template")]
        ),
        .executableTarget(
            name: "board",
            dependencies: [
                "BoardKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The libFuzzer target (`make fuzz`); built normally it replays the files it is given.
        .executableTarget(name: "BoardFuzz", dependencies: ["BoardKit"]),
        .testTarget(
            name: "BoardKitTests",
            dependencies: [
                "BoardKit", "board", "Yams",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)

// swift-tools-version:5.7
// The SwiftPM package of imcore, assembled by scripts/package.sh swift into
// dist/imcore-swift-<version>/:
//   Sources/imcoreFFI/  module.modulemap + imcoreFFI.h (the uniffi C module, links libimcore)
//   Sources/imcore/     imcore.swift (the generated Swift API, module `imcore`)
//   lib/                libimcore.so (Linux x86_64; on Apple platforms use an XCFramework, README)
// Depend on it by path: .package(path: "…/imcore-swift-<version>"), product "imcore".
import PackageDescription

let libDir = Context.packageDirectory + "/lib"

let package = Package(
    name: "imcore",
    products: [
        .library(name: "imcore", targets: ["imcore"]),
    ],
    targets: [
        .systemLibrary(name: "imcoreFFI", path: "Sources/imcoreFFI"),
        .target(
            name: "imcore",
            dependencies: ["imcoreFFI"],
            path: "Sources/imcore",
            linkerSettings: [
                .linkedLibrary("imcore"),
                // The bundled library, found at link time and (rpath) at run time.
                .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
    ]
)

import Foundation
import TreePOEngine

// The bundled Countdown model (Assets/models/countdown-tiny), read from the source tree: the tests
// that pin numbers on a real trained model rather than a random one.

enum BundledModel {
  static let folder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Assets/models/countdown-tiny")

  static func load() throws -> (Model, CharTokenizer) { try ModelFolder.load(folder) }
}

import Foundation

// JSON shape of an event line: the payload's fields (Swift property names; nil fields left out)
// plus a `kind` field, all in one flat object, e.g.
//   {"kind":"node_spawned","prompt":0,"node":3,"parent":1,"depth":2,"reason":"divergence"}
// Non-finite floats are written as the strings "nan", "inf" and "-inf".
// TraceEncoding.swift and TraceDecoding.swift handle the same shape by hand (JSONDecoder took
// seconds for a 100k-event trace); a test keeps them in step with this conformance.

extension TreeEvent: Codable {
  private enum KindKey: String, CodingKey { case kind }

  /// Every kind this version reads, in declaration order.
  public static let knownKinds: [String] = [
    "rollout_started", "node_spawned", "segment_decoded", "node_ended", "fallback",
    "round_finished", "advantages_assigned", "train_step", "checkpoint_saved",
  ]

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: KindKey.self)
    let kind = try container.decode(String.self, forKey: .kind)
    guard let event = try Self.decodePayload(kind: kind, from: decoder) else {
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: container, debugDescription: "unknown event kind \"\(kind)\"")
    }
    self = event
  }

  /// The event of `kind`, or nil when this version does not know the kind.
  static func decodePayload(kind: String, from decoder: any Decoder) throws -> TreeEvent? {
    switch kind {
    case "rollout_started": .rolloutStarted(try RolloutStarted(from: decoder))
    case "node_spawned": .nodeSpawned(try NodeSpawned(from: decoder))
    case "segment_decoded": .segmentDecoded(try SegmentDecoded(from: decoder))
    case "node_ended": .nodeEnded(try NodeEnded(from: decoder))
    case "fallback": .fallback(try FallbackTaken(from: decoder))
    case "round_finished": .roundFinished(try RoundFinished(from: decoder))
    case "advantages_assigned": .advantagesAssigned(try AdvantagesAssigned(from: decoder))
    case "train_step": .trainStep(try TrainStepFinished(from: decoder))
    case "checkpoint_saved": .checkpointSaved(try CheckpointSaved(from: decoder))
    default: nil
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: KindKey.self)
    try container.encode(kind, forKey: .kind)
    switch self {
    case .rolloutStarted(let payload): try payload.encode(to: encoder)
    case .nodeSpawned(let payload): try payload.encode(to: encoder)
    case .segmentDecoded(let payload): try payload.encode(to: encoder)
    case .nodeEnded(let payload): try payload.encode(to: encoder)
    case .fallback(let payload): try payload.encode(to: encoder)
    case .roundFinished(let payload): try payload.encode(to: encoder)
    case .advantagesAssigned(let payload): try payload.encode(to: encoder)
    case .trainStep(let payload): try payload.encode(to: encoder)
    case .checkpointSaved(let payload): try payload.encode(to: encoder)
    }
  }
}

extension JSONDecoder {
  /// A decoder for trace lines (reads the "nan"/"inf"/"-inf" strings the writer uses).
  public static func treepoTrace() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }
}

extension JSONEncoder {
  /// An encoder that writes trace lines like `TraceEncoding` does (sorted keys, non-finite as
  /// strings).
  public static func treepoTrace() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }
}

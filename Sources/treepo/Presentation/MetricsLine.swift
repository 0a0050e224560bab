// The JSONL lines `treepo train` writes (metrics.jsonl, eval.jsonl): verl's layout, keys sorted.

import Foundation

/// One metrics line: `{"step": N, "data": {...}}` with keys sorted (non-finite values as null).
func metricsLine(step: Int, metrics: [String: Double]) -> String {
  let fields = metrics.keys.sorted().map { key -> String in
    let value = metrics[key]!
    let text = value.isFinite ? "\(value)" : "null"
    return "\(jsonString(key)): \(text)"
  }
  return "{\"step\": \(step), \"data\": {" + fields.joined(separator: ", ") + "}}"
}

private func jsonString(_ s: String) -> String {
  var out = "\""
  for c in s.unicodeScalars {
    switch c {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case _ where c.value < 0x20: out += String(format: "\\u%04x", c.value)
    default: out.unicodeScalars.append(c)
    }
  }
  return out + "\""
}

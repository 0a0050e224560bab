// Typed reads of a GGUF file's metadata: a missing key or a value of another type is one
// sentence naming the key, what was expected and what was found.

struct GGUFMetadataReader {
  let file: GGUFFile

  private func wrongType(_ key: String, _ expected: String, _ value: GGUFValue) -> GGUFError {
    .wrongType(path: file.path, key: key, expected: expected, found: value.typeName)
  }

  private func required(_ key: String) throws(GGUFError) -> GGUFValue {
    guard let v = file[key] else { throw .missingKey(path: file.path, key: key) }
    return v
  }

  func optionalString(_ key: String) throws(GGUFError) -> String? {
    guard let v = file[key] else { return nil }
    guard let s = v.stringValue else { throw wrongType(key, "a STRING", v) }
    return s
  }

  func string(_ key: String) throws(GGUFError) -> String {
    guard let s = try optionalString(key) else { throw .missingKey(path: file.path, key: key) }
    return s
  }

  func optionalInt(_ key: String) throws(GGUFError) -> Int? {
    guard let v = file[key] else { return nil }
    guard let i = v.intValue else { throw wrongType(key, "an integer", v) }
    return i
  }

  /// A required integer in `range` (sizes are bounded so that products of them cannot overflow).
  func int(_ key: String, in range: ClosedRange<Int>) throws(GGUFError) -> Int {
    let v = try required(key)
    guard let i = v.intValue else { throw wrongType(key, "an integer", v) }
    guard range.contains(i) else {
      throw .badValue(
        path: file.path, key: key,
        reason: "is \(i), outside \(range.lowerBound)...\(range.upperBound)")
    }
    return i
  }

  func optionalFloat(_ key: String) throws(GGUFError) -> Double? {
    guard let v = file[key] else { return nil }
    guard let f = v.floatValue else { throw wrongType(key, "a FLOAT32", v) }
    return f
  }

  func optionalBool(_ key: String) throws(GGUFError) -> Bool? {
    guard let v = file[key] else { return nil }
    guard let b = v.boolValue else { throw wrongType(key, "a BOOL", v) }
    return b
  }

  func optionalStrings(_ key: String) throws(GGUFError) -> [String]? {
    guard let v = file[key] else { return nil }
    guard let items = v.arrayValue else { throw wrongType(key, "an ARRAY of STRING", v) }
    var out: [String] = []
    out.reserveCapacity(items.count)
    for item in items {
      guard let s = item.stringValue else { throw wrongType(key, "an ARRAY of STRING", v) }
      out.append(s)
    }
    return out
  }

  func strings(_ key: String) throws(GGUFError) -> [String] {
    guard let s = try optionalStrings(key) else { throw .missingKey(path: file.path, key: key) }
    return s
  }

  func optionalInts(_ key: String) throws(GGUFError) -> [Int]? {
    guard let v = file[key] else { return nil }
    guard let items = v.arrayValue else { throw wrongType(key, "an ARRAY of integers", v) }
    var out: [Int] = []
    out.reserveCapacity(items.count)
    for item in items {
      guard let i = item.intValue else { throw wrongType(key, "an ARRAY of integers", v) }
      out.append(i)
    }
    return out
  }
}

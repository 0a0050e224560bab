// Typed reads of a trace line's fields straight off the parser's tape, with errors that name the
// field by its path ("prompts.0.text").

struct TraceFieldError: Error {
  var reason: String
}

struct Fields {
  let document: JSONDocument
  let object: Int
  let path: String

  init(_ document: JSONDocument, _ object: Int, path: String = "") {
    self.document = document
    self.object = object
    self.path = path
  }

  private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
  private func missing(_ key: String) -> TraceFieldError {
    TraceFieldError(reason: "missing field \"\(name(key))\"")
  }
  private func bad(_ key: String) -> TraceFieldError {
    TraceFieldError(reason: "bad value at \"\(name(key))\"")
  }

  private func value(_ key: String) throws(TraceFieldError) -> Int {
    guard let v = document.member(object, key) else { throw missing(key) }
    return v
  }
  private func optional(_ key: String) -> Int? {
    guard let v = document.member(object, key), document.kind(v) != .null else { return nil }
    return v
  }

  func int(_ key: String) throws(TraceFieldError) -> Int {
    guard let i = document.int(try value(key)) else { throw bad(key) }
    return i
  }
  func optionalInt(_ key: String) throws(TraceFieldError) -> Int? {
    guard let v = optional(key) else { return nil }
    guard let i = document.int(v) else { throw bad(key) }
    return i
  }
  func uint64(_ key: String) throws(TraceFieldError) -> UInt64 {
    let v = try value(key)
    guard document.kind(v) == .number, let u = UInt64(document.numberText(v)) else {
      throw bad(key)
    }
    return u
  }
  func bool(_ key: String) throws(TraceFieldError) -> Bool {
    switch document.kind(try value(key)) {
    case .true: return true
    case .false: return false
    default: throw bad(key)
    }
  }
  func string(_ key: String) throws(TraceFieldError) -> String {
    let v = try value(key)
    guard document.kind(v) == .string else { throw bad(key) }
    return document.string(v)
  }
  func optionalString(_ key: String) throws(TraceFieldError) -> String? {
    guard let v = optional(key) else { return nil }
    guard document.kind(v) == .string else { throw bad(key) }
    return document.string(v)
  }
  func float(_ key: String) throws(TraceFieldError) -> Float {
    guard let f = float(at: try value(key)) else { throw bad(key) }
    return f
  }
  func optionalFloat(_ key: String) throws(TraceFieldError) -> Float? {
    guard let v = optional(key) else { return nil }
    guard let f = float(at: v) else { throw bad(key) }
    return f
  }
  func double(_ key: String) throws(TraceFieldError) -> Double {
    guard let d = double(at: try value(key)) else { throw bad(key) }
    return d
  }
  func ints(_ key: String) throws(TraceFieldError) -> [Int] {
    let v = try array(key)
    var out: [Int] = []
    out.reserveCapacity(document.count(v))
    for item in document.children(v) {
      guard let i = document.int(item) else { throw bad(key) }
      out.append(i)
    }
    return out
  }
  func floats(_ key: String) throws(TraceFieldError) -> [Float] {
    let v = try array(key)
    var out: [Float] = []
    out.reserveCapacity(document.count(v))
    for item in document.children(v) {
      guard let f = float(at: item) else { throw bad(key) }
      out.append(f)
    }
    return out
  }
  func optionalStrings(_ key: String) throws(TraceFieldError) -> [String]? {
    guard let v = optional(key) else { return nil }
    guard document.kind(v) == .array else { throw bad(key) }
    var out: [String] = []
    out.reserveCapacity(document.count(v))
    for item in document.children(v) {
      guard document.kind(item) == .string else { throw bad(key) }
      out.append(document.string(item))
    }
    return out
  }
  func stringMap(_ key: String) throws(TraceFieldError) -> [String: String] {
    var out: [String: String] = [:]
    for (k, v) in try members(key) {
      guard document.kind(v) == .string else { throw bad(key) }
      out[document.string(k)] = document.string(v)
    }
    return out
  }
  func doubleMap(_ key: String) throws(TraceFieldError) -> [String: Double] {
    var out: [String: Double] = [:]
    for (k, v) in try members(key) {
      guard let d = double(at: v) else { throw bad(key) }
      out[document.string(k)] = d
    }
    return out
  }
  func object(_ key: String) throws(TraceFieldError) -> Fields {
    let v = try value(key)
    guard document.kind(v) == .object else { throw bad(key) }
    return Fields(document, v, path: name(key))
  }
  func objects(_ key: String) throws(TraceFieldError) -> [Fields] {
    let v = try array(key)
    var out: [Fields] = []
    out.reserveCapacity(document.count(v))
    for (i, item) in document.children(v).enumerated() {
      guard document.kind(item) == .object else { throw bad(key) }
      out.append(Fields(document, item, path: name("\(key).\(i)")))
    }
    return out
  }

  private func array(_ key: String) throws(TraceFieldError) -> Int {
    let v = try value(key)
    guard document.kind(v) == .array else { throw bad(key) }
    return v
  }
  /// (key token, value token) pairs of an object field.
  private func members(_ key: String) throws(TraceFieldError) -> [(Int, Int)] {
    let v = try value(key)
    guard document.kind(v) == .object else { throw bad(key) }
    var pairs: [(Int, Int)] = []
    var k = v + 1
    while k < document.skip(v) {
      pairs.append((k, k + 1))
      k = document.skip(k + 1)
    }
    return pairs
  }

  /// Numbers, or the strings "nan", "inf", "-inf" the writer uses for non-finite values.
  private func float(at v: Int) -> Float? {
    switch document.kind(v) {
    case .number: return document.float(v)
    case .string: return Self.nonFinite[document.string(v)].map(Float.init)
    default: return nil
    }
  }
  private func double(at v: Int) -> Double? {
    switch document.kind(v) {
    case .number: return document.double(v)
    case .string: return Self.nonFinite[document.string(v)]
    default: return nil
    }
  }
  private static let nonFinite: [String: Double] = [
    "nan": .nan, "inf": .infinity, "-inf": -.infinity,
  ]
}

import Foundation

// The members of one dump line, read off the parser's tape: one pass over the top-level object
// finds every member the importer wants (the first of each name, as JSONDocument.member does), and
// each reader gives the same values and the same one-sentence errors as reading a JSONValue would.

struct LineFields {
  /// The line; token offsets count from its first byte.
  let bytes: UnsafeBufferPointer<UInt8>
  let tokens: UnsafeBufferPointer<JSONToken>
  /// Where the line starts in the step buffer.
  let lineStart: Int
  let format: SampleLineFormat
  /// Token index of each field's value (0: absent; token 0 is the object itself).
  /// (A SIMD vector for its fixed size without a heap allocation per line; a line has fewer than
  /// 2^32 tokens.)
  private var values = SIMD16<UInt32>()

  init(
    bytes: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<JSONToken>, lineStart: Int,
    format: SampleLineFormat
  ) {
    self.bytes = bytes
    self.tokens = tokens
    self.lineStart = lineStart
    self.format = format
  }

  /// Walks the root object's members once (key, value, key, value…; containers skipped whole).
  mutating func findMembers() {
    let end = tokens[0].last
    var k = 1
    while k < end {
      let key = tokens[k]
      let field: SampleField?
      if key.isEscapedOrInteger {
        let decoded = unescaped(key)
        field = decoded.withUnsafeBufferPointer {
          SampleField.named($0.baseAddress!, $0.count, format)
        }
      } else {
        field = SampleField.named(bytes.baseAddress! + key.first, key.last - key.first, format)
      }
      if let field, values[field.rawValue] == 0 { values[field.rawValue] = UInt32(k + 1) }
      let value = tokens[k + 1]
      k = value.kind == .array || value.kind == .object ? value.last : k + 2
    }
  }

  private func unescaped(_ key: JSONToken) -> [UInt8] {
    let raw = UnsafeBufferPointer(rebasing: bytes[key.first..<key.last])
    return [UInt8](unsafeUninitializedCapacity: raw.count + 1) { o, n in
      n = JSONDocument.unescape(raw, into: o.baseAddress!)
    }
  }

  /// The value of `field` unless it is absent or null.
  func present(_ field: SampleField) -> Int? {
    let v = Int(values[field.rawValue])
    return v == 0 || tokens[v].kind == .null ? nil : v
  }

  func typeName(_ v: Int) -> String {
    switch tokens[v].kind {
    case .null: "null"
    case .true, .false: "a boolean"
    case .number: JSONDocument.int(tokens[v], in: bytes) != nil ? "an integer" : "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  /// A string value's bytes as they stand in the line (escapes not decoded), as a buffer span.
  func raw(_ v: Int) -> Span {
    Span(start: lineStart + tokens[v].first, count: tokens[v].last - tokens[v].first)
  }

  /// A string value's text: where it lies when it has no escapes, else decoded into the buffer.
  func string(_ v: Int, into buffer: StepBuffer) -> Span {
    let token = tokens[v]
    guard token.isEscapedOrInteger else { return raw(v) }
    let escaped = UnsafeBufferPointer(rebasing: bytes[token.first..<token.last])
    return buffer.append(room: escaped.count) { JSONDocument.unescape(escaped, into: $0) }
  }

  /// An integer, or a number with an integral value below 1e15 (`1e3`, `2.0`).
  private func integer(_ v: Int) -> Int? {
    if let i = JSONDocument.int(tokens[v], in: bytes) { return i }
    guard let d = JSONDocument.double(tokens[v], in: bytes), d == d.rounded(), abs(d) < 1e15 else {
      return nil
    }
    return Int(d)
  }

  /// The slow paths' String of a string value (decoded apart from the buffer, so the buffer's
  /// room budget holds: each string of a line puts at most its own length into the buffer).
  func optionalText(_ field: SampleField, _ key: String) throws(SampleLineError) -> String? {
    guard let v = present(field) else { return nil }
    guard tokens[v].kind == .string else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not a string")
    }
    let token = tokens[v]
    let raw = UnsafeBufferPointer(rebasing: bytes[token.first..<token.last])
    return token.isEscapedOrInteger
      ? String(decoding: unescaped(token), as: UTF8.self) : String(decoding: raw, as: UTF8.self)
  }

  /// Appends a key that is no longer than the value it came from (a uid's prefix, an integer's
  /// digits) into the room reserved for the line.
  func append(_ text: String, to buffer: StepBuffer) -> Span {
    var text = text
    return text.withUTF8 { utf8 in
      buffer.append(room: utf8.count) { o in
        if let p = utf8.baseAddress { o.update(from: p, count: utf8.count) }
        return utf8.count
      }
    }
  }

  func optionalString(
    _ field: SampleField, _ key: String, into buffer: StepBuffer
  ) throws(SampleLineError) -> Span? {
    guard let v = present(field) else { return nil }
    guard tokens[v].kind == .string else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not a string")
    }
    return string(v, into: buffer)
  }

  /// The group of verl's `uid`; the usual (ASCII) uid is read from its bytes.
  func optionalGroupKey(
    _ field: SampleField, _ key: String, into buffer: StepBuffer
  ) throws(SampleLineError) -> Span? {
    guard let v = present(field) else { return nil }
    if tokens[v].kind == .string, !tokens[v].isEscapedOrInteger {
      let raw = raw(v)
      if let n = groupKeyLength(asciiUID: buffer.bytes(raw)) {
        return Span(start: raw.start, count: n)
      }
    }
    guard let text = try optionalText(field, key) else { return nil }
    return append(groupKey(uid: text), to: buffer)
  }

  /// TreePO's path into the buffer's ints; the usual form is read from the bytes.
  func optionalTreeIndex(
    _ field: SampleField, into buffer: StepBuffer
  ) throws(SampleLineError) -> Span? {
    guard let v = present(field) else { return nil }
    var path: TreeIndexPath?
    if tokens[v].kind == .string, !tokens[v].isEscapedOrInteger {
      path = TreeIndexPath(digits: buffer.bytes(raw(v)))
    }
    if path == nil {
      guard let text = try optionalText(field, "tree_idx") else { return nil }
      path = TreeIndexPath(text)
      guard path != nil else {
        throw SampleLineError(reason: "has a tree_idx \"\(text)\" that is not ROOT/ROUND-POS/…")
      }
    }
    let start = buffer.ints.count
    buffer.ints.append(path!.root)
    for s in path!.segments {
      buffer.ints.append(s.round)
      buffer.ints.append(s.position)
    }
    return Span(start: start, count: buffer.ints.count - start)
  }

  func optionalInt(_ field: SampleField, _ key: String) throws(SampleLineError) -> Int? {
    guard let v = present(field) else { return nil }
    guard let i = integer(v) else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not an integer")
    }
    return i
  }

  func optionalNumber(_ field: SampleField, _ key: String) throws(SampleLineError) -> Float? {
    guard let v = present(field) else { return nil }
    switch tokens[v].kind {
    case .true: return 1
    case .false: return 0
    default: break
    }
    guard let d = JSONDocument.double(tokens[v], in: bytes) else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not a number")
    }
    return Float(d)
  }

  /// A number, or the mean of a list of numbers (per-token advantages).
  func optionalMean(_ field: SampleField, _ key: String) throws(SampleLineError) -> Float? {
    guard let v = present(field) else { return nil }
    guard tokens[v].kind == .array else { return try optionalNumber(field, key) }
    var sum = 0.0
    // One token a step: the first element that is not a number (a container too) ends it.
    var k = v + 1
    while k < tokens[v].last {
      guard let d = JSONDocument.double(tokens[k], in: bytes) else {
        throw SampleLineError(reason: "has a \"\(key)\" list with \(typeName(k)) in it")
      }
      sum += d
      k += 1
    }
    let count = tokens[v].first
    return count == 0 ? nil : Float(sum / Double(count))
  }

  /// A list of integers, appended to the buffer's ints.
  func optionalInts(
    _ field: SampleField, _ key: String, into buffer: StepBuffer
  ) throws(SampleLineError) -> Span? {
    guard let v = present(field) else { return nil }
    guard tokens[v].kind == .array else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not a list")
    }
    let start = buffer.ints.count
    var k = v + 1
    while k < tokens[v].last {
      guard let i = JSONDocument.int(tokens[k], in: bytes) else {
        buffer.ints.removeSubrange(start...)
        throw SampleLineError(reason: "has a \"\(key)\" list with \(typeName(k)) in it")
      }
      buffer.ints.append(i)
      k += 1
    }
    return Span(start: start, count: buffer.ints.count - start)
  }
}

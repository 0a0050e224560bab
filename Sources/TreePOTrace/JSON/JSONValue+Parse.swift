// Parsing into a `JSONValue`: the one scanner (JSONDocument) checks the text, then the tree is
// built from its tape with an explicit stack — no recursion, whatever the input.

extension JSONValue {
  public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
    let slice: ArraySlice<UInt8> =
      if let s = bytes as? ArraySlice<UInt8> { s } else if let a = bytes as? [UInt8] { a[...] } else
      {
        Array(bytes)[...]
      }
    let document = try JSONDocument(parsing: slice)
    return document.value(document.root)
  }

  public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    try parse(Array(text.utf8))
  }
}

extension JSONDocument {
  /// The value of token `t` as a tree.
  public func value(_ t: Int) -> JSONValue {
    struct Open {
      var isObject: Bool
      var end: Int
      var items: [JSONValue] = []
      var members: [(String, JSONValue)] = []
      var key: String? = nil
    }
    var stack: [Open] = []
    var k = t
    while true {
      // Object members start with their key.
      if let top = stack.last, top.isObject, top.key == nil {
        stack[stack.count - 1].key = string(k)
        k += 1
      }
      var done: JSONValue
      let token = tokens[k]
      switch token.kind {
      case .array, .object:
        let isObject = token.kind == .object
        if Int(token.end) == k + 1 {
          done = isObject ? .object([]) : .array([])
        } else {
          var frame = Open(isObject: isObject, end: Int(token.end))
          if isObject {
            frame.members.reserveCapacity(Int(token.start))
          } else {
            frame.items.reserveCapacity(Int(token.start))
          }
          stack.append(frame)
          k += 1
          continue
        }
      case .null: done = .null
      case .true: done = .bool(true)
      case .false: done = .bool(false)
      case .string: done = .string(string(k))
      case .number: done = int(k).map { .int($0) } ?? .double(Double(numberText(k)) ?? .nan)
      }
      k += 1
      // Hand the finished value to its container; close every container that ends here.
      while true {
        guard !stack.isEmpty else { return done }
        let top = stack.count - 1
        if stack[top].isObject {
          stack[top].members.append((stack[top].key!, done))
          stack[top].key = nil
        } else {
          stack[top].items.append(done)
        }
        guard k == stack[top].end else { break }
        let closed = stack.removeLast()
        done = closed.isObject ? .object(closed.members) : .array(closed.items)
      }
    }
  }
}

import Foundation

/// The trace files a path names: the file itself, or a folder's *.jsonl (else its traces/*.jsonl,
/// a `treepo train` run), in step order (step_2 before step_10). `treepo inspect` and `replay`
/// read the same list.
public enum TraceFiles {
  public static func list(at path: String) -> [URL] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
    let url = URL(fileURLWithPath: path)
    guard isDirectory.boolValue else { return [url] }
    for folder in [url, url.appendingPathComponent("traces")] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      let traces = names.filter { $0.hasSuffix(".jsonl") }
      if !traces.isEmpty {
        return traces.sorted { stepOrder($0) < stepOrder($1) }.map {
          folder.appendingPathComponent($0)
        }
      }
    }
    return []
  }

  /// The last number in the name, then the name.
  static func stepOrder(_ name: String) -> (Int, String) {
    let digits = name.reversed().drop { !$0.isNumber }.prefix { $0.isNumber }
    return (Int(String(digits.reversed())) ?? -1, name)
  }
}

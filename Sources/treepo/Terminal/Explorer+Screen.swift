import TreePOExplorer

extension Explorer: ExplorerScreen {}

extension ColorSupport {
  /// What the explorer's renderer should assume.
  var depth: ColorDepth {
    switch self {
    case .none: .none
    case .basic: .colors8
    case .full: .colors256
    }
  }
}

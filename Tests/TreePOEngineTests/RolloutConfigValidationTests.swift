import Testing

import TreePOEngine

// The rollout settings the engine refuses, each naming its setting (issue 12, items 7 and 21).

@Test func initialDivergenceAboveNIsRefused() {
  var config = RolloutConfig()
  config.n = 4
  config.maxInitialDivergence = 5
  #expect(throws: RolloutConfigError.self) { try config.validate() }
  do { try config.validate() } catch {
    #expect(error.setting == "tree_max_initial_div")
    #expect(error.description == "tree_max_initial_div is 5; it must be at most rollout.n (4)")
  }
  config.maxInitialDivergence = 4
  #expect(throws: Never.self) { try config.validate() }
}

@Test(arguments: [Float.nan, .infinity, -1])
func nonFiniteOrNegativeSamplingSettingsAreRefused(value: Float) {
  var temperature = RolloutConfig()
  temperature.temperature = value
  #expect(throws: RolloutConfigError.self) { try temperature.validate() }
  var threshold = RolloutConfig()
  threshold.entropyThreshold = value
  #expect(throws: RolloutConfigError.self) { try threshold.validate() }
  var tau = RolloutConfig()
  tau.divergenceTemperature = value
  #expect(throws: RolloutConfigError.self) { try tau.validate() }
}

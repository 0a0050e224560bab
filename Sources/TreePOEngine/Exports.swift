// The trace types (TreeEvent, TraceHeader, TraceWriter, …) are part of the engine's interface:
// the sampler and trainer emit them. Re-exported so engine code and its clients need no second
// import.
@_exported import TreePOTrace

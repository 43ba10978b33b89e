import Foundation
import PackagePlugin

/// Stamps a target with the git revision of the sources it is built from: generates `BuildRevision.swift`,
/// `let buildRevision = "<12 hex digits>"` (`-dirty` when tracked files have uncommitted changes, `unknown` outside a
/// git checkout), before every build. A run then records the code that ran, whichever directory it is started in.
///
/// The file is rewritten only when the revision changes, so an unchanged revision recompiles nothing.
@main
struct BuildRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildRevision.swift")
        return [.prebuildCommand(displayName: "Stamping \(target.name) with the git revision",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", Self.script, "stamp", context.package.directoryURL.path,
                                             output.path],
                                 outputFilesDirectory: context.pluginWorkDirectoryURL)]
    }

    /// `sh -c script stamp PACKAGE OUTPUT`.
    static let script = #"""
        rev=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || rev=unknown
        if [ "$rev" != unknown ] && [ -n "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
            rev="$rev-dirty"
        fi
        text="/// The git revision of the sources this module was built from (Plugins/BuildRevision).
        let buildRevision = \"$rev\""
        [ "$(cat "$2" 2>/dev/null)" = "$text" ] || printf '%s\n' "$text" > "$2"
        """#
}

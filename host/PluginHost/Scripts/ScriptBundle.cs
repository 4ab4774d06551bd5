using System.Security.Cryptography;
using System.Text;

namespace PluginHost.Scripts;

/// <summary>One source file of a script: its full path, the name shown in diagnostics, and its code with the
/// directive lines blanked.</summary>
internal sealed record ScriptFile(string Path, string DisplayName, string Code);

/// <summary>
/// A script with everything it pulls in: its <c>#load</c>ed files (each once, cycles reported), the DLLs of its
/// <c>#r</c> lines, the problems found while resolving them, and a fingerprint of all of it — the same fingerprint
/// means nothing to recompile; its first characters are the backend's code version.
/// </summary>
internal sealed class ScriptBundle
{
    private ScriptBundle(string mainPath, IReadOnlyList<ScriptFile> files, IReadOnlyList<string> references,
        IReadOnlyList<ScriptDiagnostic> problems, string fingerprint)
    {
        MainPath = mainPath;
        Files = files;
        References = references;
        Problems = problems;
        Fingerprint = fingerprint;
    }

    public string MainPath { get; }

    public IReadOnlyList<ScriptFile> Files { get; }

    /// <summary>Full paths of the DLLs named by <c>#r</c> (a folder: each DLL in it), in order of appearance.</summary>
    public IReadOnlyList<string> References { get; }

    public IReadOnlyList<ScriptDiagnostic> Problems { get; }

    public string Fingerprint { get; }

    /// <summary>A short hash of every source and referenced DLL, e.g. <c>3fa2c1d9</c>.</summary>
    public string ShortVersion => Fingerprint[..8];

    /// <summary>Reads <paramref name="mainPath"/> and, depth first, every file it <c>#load</c>s.</summary>
    /// <param name="displayRoot">Paths under it are shown relative to it in diagnostics (the scripts folder).</param>
    /// <param name="libsDir">Second place a relative <c>#r</c> is looked for (the build's script libraries).</param>
    public static async Task<ScriptBundle> ReadAsync(string mainPath, string displayRoot, string libsDir, CancellationToken cancellationToken)
    {
        var reader = new Reader(displayRoot, libsDir);
        await reader.VisitAsync(Path.GetFullPath(mainPath), [], null, cancellationToken).ConfigureAwait(false);
        return new ScriptBundle(mainPath, reader.Files, reader.References, reader.Problems, reader.Fingerprint());
    }

    private sealed class Reader(string displayRoot, string libsDir)
    {
        private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
        private readonly StringBuilder _identity = new();

        public List<ScriptFile> Files { get; } = [];

        public List<string> References { get; } = [];

        public List<ScriptDiagnostic> Problems { get; } = [];

        public async Task VisitAsync(string path, List<string> chain, ScriptDirective? from, CancellationToken cancellationToken)
        {
            if (chain.Contains(path, StringComparer.Ordinal))
            {
                var cycle = string.Join(" -> ", chain.SkipWhile(p => p != path).Append(path).Select(Display));
                Problems.Add(At(chain[^1], from!, ScriptDiagnostic.LoadCycle, $"#load cycle: {cycle}."));
                return;
            }
            if (!_visited.Add(path)) return; // Loaded twice through different files: one copy.

            string text;
            try
            {
                text = await ReadTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _identity.Append("unreadable:").Append(path).Append('\n');
                if (from is null) Problems.Add(new ScriptDiagnostic(Display(path), 1, 1, "error", ScriptDiagnostic.ReadFailed, $"Cannot read the script: {ex.Message}"));
                else Problems.Add(At(chain[^1], from, ScriptDiagnostic.LoadNotFound, $"#load \"{from.Argument}\": {Display(path)} cannot be read ({ex.GetType().Name}: {ex.Message})."));
                return;
            }
            _identity.Append("file:").Append(path).Append('\n').Append(text).Append('\0');
            var (code, directives, problems) = ScriptDirectives.Parse(text);
            Files.Add(new ScriptFile(path, Display(path), code));
            foreach (var (line, column, message) in problems)
                Problems.Add(new ScriptDiagnostic(Display(path), line, column, "error", ScriptDiagnostic.MalformedDirective, message));

            chain.Add(path);
            foreach (var directive in directives)
            {
                if (directive.Kind == "r") AddReference(path, directive);
                else await VisitAsync(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, directive.Argument)), chain, directive, cancellationToken).ConfigureAwait(false);
            }
            chain.RemoveAt(chain.Count - 1);
        }

        private void AddReference(string file, ScriptDirective directive)
        {
            if (directive.Argument.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
            {
                Problems.Add(At(file, directive, ScriptDiagnostic.ReferenceNotFound,
                    $"#r \"{directive.Argument}\": NuGet references are not supported; #r a DLL path (ML.NET: #r \"mlnet/Microsoft.ML.dll\")."));
                return;
            }
            var candidates = Path.IsPathRooted(directive.Argument)
                ? [directive.Argument]
                : new[] { Path.Combine(Path.GetDirectoryName(file)!, directive.Argument), Path.Combine(libsDir, directive.Argument) };
            var found = candidates.Select(Path.GetFullPath).FirstOrDefault(c => File.Exists(c) || Directory.Exists(c));
            if (found is null)
            {
                _identity.Append("missing-dll:").Append(directive.Argument).Append('\n');
                Problems.Add(At(file, directive, ScriptDiagnostic.ReferenceNotFound,
                    $"#r \"{directive.Argument}\": no such DLL or folder (looked in {string.Join(" and ", candidates.Select(c => Path.GetDirectoryName(Path.GetFullPath(c))).Distinct())})."));
                return;
            }
            // A folder stands for every DLL in it (#r "mlnet": all of ML.NET).
            IEnumerable<string> dlls = Directory.Exists(found) ? Directory.EnumerateFiles(found, "*.dll").Order(StringComparer.Ordinal) : [found];
            foreach (var dll in dlls)
            {
                if (References.Contains(dll, StringComparer.Ordinal)) continue;
                References.Add(dll);
                var info = new FileInfo(dll);
                _identity.Append("dll:").Append(dll).Append(':').Append(info.Length).Append(':').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
            }
        }

        private ScriptDiagnostic At(string file, ScriptDirective directive, string code, string message) =>
            new(Display(file), directive.Line, directive.Column, "error", code, message);

        private string Display(string path)
        {
            var relative = Path.GetRelativePath(displayRoot, path);
            return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
        }

        public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_identity.ToString())));

        /// <summary>Reads a file an editor may be writing at this moment: shared access, a few quick retries.</summary>
        private static async Task<string> ReadTextAsync(string path, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
                    using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                    return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException) when (attempt < 3 && File.Exists(path))
                {
                    await Task.Delay(20 * attempt, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}

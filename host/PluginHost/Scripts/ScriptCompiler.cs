using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace PluginHost.Scripts;

/// <summary>A compiled script: its assembly and symbols (for line numbers in stack traces), or why it did not compile.</summary>
internal sealed record ScriptCompilation(byte[]? Image, byte[]? Symbols, IReadOnlyList<ScriptDiagnostic> Diagnostics, TimeSpan Elapsed)
{
    public bool Succeeded => Image is not null;

    public IEnumerable<ScriptDiagnostic> Errors => Diagnostics.Where(d => d.IsError);
}

/// <summary>
/// Compiles a script's files as ordinary C# (<see cref="SourceCodeKind.Regular"/>, every file its own syntax tree
/// named by its path, so diagnostics point at the line the user wrote) into a library image in memory. Not Roslyn
/// scripting: a script assembly there cannot be unloaded, and script classes would be nested in a submission class;
/// here a script's classes are plain top-level types, exactly as they would be in a plugin project.
/// </summary>
internal sealed class ScriptCompiler(ScriptReferences references)
{
    private const int MaxReportedDiagnostics = 50;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Regular);

    private static readonly string ImplicitUsings = string.Concat(ScriptReferences.DefaultImports.Select(n => $"global using {n};\n"));

    private static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            nullableContextOptions: NullableContextOptions.Enable,
            assemblyIdentityComparer: DesktopAssemblyIdentityComparer.Default,
            // A script is a few small files: one thread compiles it without competing with requests for the cores.
            concurrentBuild: false)
        // Framework facades reference older versions of themselves: unification is expected, not worth a warning.
        .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]);

    private static readonly EmitOptions EmitOptions = new(debugInformationFormat: DebugInformationFormat.PortablePdb);

    public ScriptCompilation Compile(string backendName, ScriptBundle bundle, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (bundle.Problems.Any(p => p.IsError))
            return new ScriptCompilation(null, null, bundle.Problems, System.Diagnostics.Stopwatch.GetElapsedTime(started));

        var trees = bundle.Files
            .Select(f => CSharpSyntaxTree.ParseText(SourceText.From(f.Code, Encoding.UTF8), ParseOptions, f.Path, cancellationToken))
            // Parsed per compilation: no syntax tree (or its lazily built state) is shared between compilations.
            .Prepend(CSharpSyntaxTree.ParseText(SourceText.From(ImplicitUsings, Encoding.UTF8), ParseOptions, "(implicit usings).cs", cancellationToken));
        var metadata = references.Defaults.Concat(bundle.References.SelectMany(references.ForDll)).Distinct();
        var compilation = CSharpCompilation.Create($"Script.{backendName}.{bundle.ShortVersion}", trees, metadata, CompilationOptions);

        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        var result = compilation.Emit(image, symbols, options: EmitOptions, cancellationToken: cancellationToken);
        var displayNames = bundle.Files.ToDictionary(f => f.Path, f => f.DisplayName, StringComparer.Ordinal);
        var mainFile = bundle.Files.Count > 0 ? bundle.Files[0].DisplayName : Path.GetFileName(bundle.MainPath);
        var diagnostics = result.Diagnostics
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .OrderByDescending(d => d.Severity)
            .ThenBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .Take(MaxReportedDiagnostics)
            .Select(d => ToScriptDiagnostic(d, displayNames, mainFile))
            .ToList();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return result.Success
            ? new ScriptCompilation(image.ToArray(), symbols.ToArray(), diagnostics, elapsed)
            : new ScriptCompilation(null, null, diagnostics, elapsed);
    }

    private static ScriptDiagnostic ToScriptDiagnostic(Diagnostic diagnostic, IReadOnlyDictionary<string, string> displayNames, string mainFile)
    {
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (diagnostic.Id == "CS8805")
            message += " A script declares classes (one implementing ILabelStudioBackend); put statements inside its methods.";
        var severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        if (!diagnostic.Location.IsInSource)
            return new ScriptDiagnostic(mainFile, 1, 1, severity, diagnostic.Id, message);
        var span = diagnostic.Location.GetMappedLineSpan();
        var file = displayNames.GetValueOrDefault(span.Path) ?? span.Path;
        return new ScriptDiagnostic(file, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, severity, diagnostic.Id, message);
    }
}

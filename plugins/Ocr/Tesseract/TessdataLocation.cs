namespace PluginHost.Plugins.Ocr.Tesseract;

/// <summary>
/// Where the <c>*.traineddata</c> files are: the configured folder, else <c>TESSDATA_PREFIX</c>, else the first
/// usual system folder that exists (Debian's <c>/usr/share/tesseract-ocr/5/tessdata</c> first). Checking the files
/// here turns Tesseract's bare "-1" into a message that names the file and the package to install.
/// </summary>
internal sealed record TessdataLocation(string? Directory, bool Configured)
{
    private static readonly string[] SystemFolders =
    [
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
        "/usr/local/share/tessdata",
        "/opt/homebrew/share/tessdata",
    ];

    public static TessdataLocation Find(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return new TessdataLocation(configured, true);
        if (Environment.GetEnvironmentVariable("TESSDATA_PREFIX") is { Length: > 0 } prefix) return new TessdataLocation(prefix, true);
        return new TessdataLocation(SystemFolders.FirstOrDefault(System.IO.Directory.Exists), false);
    }

    /// <summary>Languages of <paramref name="language"/> (<c>eng+deu</c>) whose data file is missing here.</summary>
    public IReadOnlyList<string> MissingLanguages(string language)
    {
        if (Directory is null) return Languages(language);
        return Languages(language).Where(l => !File.Exists(Path.Combine(Directory, l + ".traineddata"))).ToList();
    }

    /// <summary>Throws <see cref="OcrConfigurationException"/> when a language's data file is missing.</summary>
    public void Check(string language)
    {
        var missing = MissingLanguages(language);
        if (missing.Count == 0) return;
        var where = Directory is null
            ? $"no tessdata folder was found (looked in {string.Join(", ", SystemFolders)})"
            : $"'{Path.Combine(Directory, missing[0] + ".traineddata")}' does not exist";
        throw new OcrConfigurationException($"Tesseract language data for '{string.Join("+", missing)}' is missing: {where}. {InstallHint(language)}");
    }

    public string InstallHint(string language)
    {
        var packages = string.Join(" ", Languages(language).Select(l => "tesseract-ocr-" + l.ToLowerInvariant().Replace('_', '-')));
        var hint = $"Install it (apt-get install tesseract-ocr {packages})";
        return Configured
            ? hint + $" or put the .traineddata files into '{Directory}' (the TessdataPath setting / TESSDATA_PREFIX)."
            : hint + ", or set the backend's TessdataPath setting to a folder holding the .traineddata files.";
    }

    private static List<string> Languages(string language) =>
        language.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

using PluginHost.Ocr.Tests.Support;
using PluginHost.Plugins.Ocr;
using PluginHost.Plugins.Ocr.Tesseract;

namespace PluginHost.Ocr.Tests;

/// <summary>A backend that cannot run stays loaded, says why on /health, and fails predictions with the same reason.</summary>
public sealed class HealthTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly TaskData _data;

    public HealthTests() => _data = new TaskData(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginhost-ocr-health-cache"));

    public void Dispose()
    {
        _data.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Missing_language_data_is_a_health_error_with_the_package_to_install()
    {
        using var backend = OcrKit.Create(_data.Resolver, new OcrSettings { Language = "eng+xyz" });

        Assert.NotNull(backend.HealthError);
        Assert.Contains("'xyz'", backend.HealthError);
        Assert.Contains("apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-xyz", backend.HealthError);
        Assert.Null(backend.Version);
        var error = await Assert.ThrowsAsync<OcrConfigurationException>(async () =>
            await backend.PredictAsync(OcrKit.Batch(OcrKit.Config, "data:image/png;base64,AA=="), CancellationToken.None));
        Assert.Equal(backend.HealthError, error.Message);
    }

    [Fact]
    public void Tessdata_folder_without_the_language_names_the_missing_file()
    {
        using var backend = OcrKit.Create(_data.Resolver, new OcrSettings { TessdataPath = _temp.Path });

        Assert.Contains(System.IO.Path.Combine(_temp.Path, "eng.traineddata"), backend.HealthError);
        Assert.Contains("TessdataPath", backend.HealthError);
    }

    [Fact]
    public void Corrupt_language_data_is_reported_by_tesseract_itself()
    {
        File.WriteAllText(_temp.File("eng.traineddata"), "not a traineddata file");

        using var backend = OcrKit.Create(_data.Resolver, new OcrSettings { TessdataPath = _temp.Path });

        Assert.Contains("could not load the language data 'eng'", backend.HealthError);
    }

    [Fact]
    public void Relative_tessdata_path_resolves_against_the_model_directory()
    {
        // MODEL_DIR/tessdata holds a copy of the system's English data.
        var tessdata = Directory.CreateDirectory(_temp.File("tessdata")).FullName;
        File.Copy(System.IO.Path.Combine(TessdataLocation.Find(null).Directory!, "eng.traineddata"), System.IO.Path.Combine(tessdata, "eng.traineddata"));

        using var backend = OcrKit.Create(_data.Resolver, new OcrSettings { TessdataPath = "tessdata" }, modelDirectory: _temp.Path);

        Assert.Null(backend.HealthError);
    }

    [Theory]
    [InlineData(nameof(OcrSettings.MaxConcurrency))]
    [InlineData(nameof(OcrSettings.BatchMinConfidence))]
    [InlineData(nameof(OcrSettings.Language))]
    [InlineData(nameof(OcrSettings.PageSegMode))]
    public void Bad_settings_are_a_health_error_naming_the_setting(string setting)
    {
        var settings = setting switch
        {
            nameof(OcrSettings.MaxConcurrency) => new OcrSettings { MaxConcurrency = 0 },
            nameof(OcrSettings.BatchMinConfidence) => new OcrSettings { BatchMinConfidence = 2 },
            nameof(OcrSettings.Language) => new OcrSettings { Language = "../eng" },
            _ => new OcrSettings { PageSegMode = (PageSegMode)42 },
        };

        using var backend = OcrKit.Create(_data.Resolver, settings);

        Assert.Contains($"'{setting}'", backend.HealthError);
    }

    [Fact]
    public void Unknown_tesseract_variable_is_a_health_error()
    {
        using var backend = OcrKit.Create(_data.Resolver, new OcrSettings { Variables = { ["no_such_variable"] = "1" } });

        Assert.Contains("no_such_variable", backend.HealthError);
    }

    [Fact]
    public void Healthy_backend_reports_the_tesseract_version_and_language()
    {
        using var backend = OcrKit.Create(_data.Resolver);

        Assert.Null(backend.HealthError);
        Assert.Matches(@"^tesseract5\.\d+\.\d+-eng$", backend.Version);
        Assert.Equal(1, backend.EnginesCreated); // one engine proves the setup; the rest come on demand
    }
}

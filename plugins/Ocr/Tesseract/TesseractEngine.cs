using System.Runtime.InteropServices;

namespace PluginHost.Plugins.Ocr.Tesseract;

/// <summary>Recognised text and Tesseract's mean confidence (0–100).</summary>
internal readonly record struct OcrText(string Text, float Confidence);

/// <summary>A line or word Tesseract found, with its box in pixels of the recognised image (right/bottom exclusive).</summary>
internal readonly record struct OcrItem(int Left, int Top, int Right, int Bottom, string Text, float Confidence);

/// <summary>An 8-bit gray image in memory (row stride may exceed the width): what the engine reads.</summary>
internal readonly unsafe struct GrayPixels(byte* start, int width, int height, int stride)
{
    public byte* Start { get; } = start;
    public int Width { get; } = width;
    public int Height { get; } = height;
    public int Stride { get; } = stride;
}

/// <summary>
/// One initialised <c>TessBaseAPI</c> with its language data loaded (~50–100 ms, tens of MB). Not thread-safe:
/// <see cref="TesseractPool"/> hands each one to a single caller at a time. Every call leaves the engine cleared
/// (no image, no results), ready for the next caller.
/// </summary>
internal sealed class TesseractEngine : IDisposable
{
    private readonly TessBaseApiHandle _api;

    private TesseractEngine(TessBaseApiHandle api) => _api = api;

    /// <summary>Creates and initialises an engine; throws <see cref="OcrConfigurationException"/> naming what is missing.</summary>
    public static TesseractEngine Create(TessdataLocation data, string language, IReadOnlyDictionary<string, string> variables)
    {
        var api = TesseractNative.TessBaseAPICreate();
        if (api.IsInvalid) throw new OcrConfigurationException("TessBaseAPICreate failed (out of memory?).");
        try
        {
            if (TesseractNative.TessBaseAPIInit3(api, data.Directory, language) != 0)
                throw new OcrConfigurationException(
                    $"Tesseract could not load the language data '{language}' from '{data.Directory ?? "its default tessdata folder"}'. {data.InstallHint(language)}");
            // Tesseract's chatter ("Estimating resolution as …") goes to stderr unless redirected.
            TesseractNative.TessBaseAPISetVariable(api, "debug_file", OperatingSystem.IsWindows() ? "NUL" : "/dev/null");
            foreach (var (name, value) in variables)
            {
                if (TesseractNative.TessBaseAPISetVariable(api, name, value) == 0)
                    throw new OcrConfigurationException($"Tesseract has no variable '{name}', or it can only be set at initialisation (setting Variables:{name}).");
            }
            return new TesseractEngine(api);
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <summary>Recognises the whole of <paramref name="image"/> as one block of text (the drawn-box case).</summary>
    public OcrText Read(GrayPixels image, PageSegMode mode, CancellationToken cancellationToken)
    {
        try
        {
            if (!Recognize(image, mode, cancellationToken)) return new OcrText("", 0);
            var text = TesseractNative.TakeText(TesseractNative.TessBaseAPIGetUTF8Text(_api)) ?? "";
            return new OcrText(text, TesseractNative.TessBaseAPIMeanTextConf(_api));
        }
        finally
        {
            TesseractNative.TessBaseAPIClear(_api);
        }
    }

    /// <summary>Recognises a page and lists what it found at <paramref name="level"/> (lines or words), in reading order.</summary>
    public List<OcrItem> ReadItems(GrayPixels image, PageSegMode mode, PageIteratorLevel level, CancellationToken cancellationToken)
    {
        var items = new List<OcrItem>();
        try
        {
            if (!Recognize(image, mode, cancellationToken)) return items;
            var iterator = TesseractNative.TessBaseAPIGetIterator(_api);
            if (iterator == IntPtr.Zero) return items;
            try
            {
                var page = TesseractNative.TessResultIteratorGetPageIterator(iterator);
                do
                {
                    if (TesseractNative.TessPageIteratorBoundingBox(page, level, out var left, out var top, out var right, out var bottom) == 0) continue;
                    var text = TesseractNative.TakeText(TesseractNative.TessResultIteratorGetUTF8Text(iterator, level));
                    if (string.IsNullOrWhiteSpace(text)) continue;
                    items.Add(new OcrItem(left, top, right, bottom, text.Trim(), TesseractNative.TessResultIteratorConfidence(iterator, level)));
                }
                while (TesseractNative.TessResultIteratorNext(iterator, level) != 0);
            }
            finally
            {
                TesseractNative.TessResultIteratorDelete(iterator);
            }
            return items;
        }
        finally
        {
            TesseractNative.TessBaseAPIClear(_api);
        }
    }

    /// <summary>Sets the image and runs recognition; false when the image is too small to hold text.</summary>
    private unsafe bool Recognize(GrayPixels image, PageSegMode mode, CancellationToken cancellationToken)
    {
        // Tesseract rejects (and complains about) images a few pixels high: there is no text to find there.
        if (image.Width < MinSide || image.Height < MinSide) return false;
        cancellationToken.ThrowIfCancellationRequested();
        TesseractNative.TessBaseAPISetPageSegMode(_api, mode);
        TesseractNative.TessBaseAPISetImage(_api, image.Start, image.Width, image.Height, 1, image.Stride);

        var monitor = IntPtr.Zero;
        var token = default(GCHandle);
        try
        {
            if (cancellationToken.CanBeCanceled)
            {
                // Tesseract polls the cancel function while it recognises words; it reads the token through a GC handle.
                monitor = TesseractNative.TessMonitorCreate();
                token = GCHandle.Alloc(new CancellationBox(cancellationToken));
                TesseractNative.TessMonitorSetCancelFunc(monitor, &IsCancelled);
                TesseractNative.TessMonitorSetCancelThis(monitor, GCHandle.ToIntPtr(token));
            }
            var status = TesseractNative.TessBaseAPIRecognize(_api, monitor);
            cancellationToken.ThrowIfCancellationRequested();
            if (status != 0) throw new InvalidOperationException($"Tesseract failed to recognise the image (status {status}).");
            return true;
        }
        finally
        {
            if (monitor != IntPtr.Zero) TesseractNative.TessMonitorDelete(monitor);
            if (token.IsAllocated) token.Free();
        }
    }

    /// <summary>Images smaller than this (pixels) on either side hold no readable text.</summary>
    internal const int MinSide = 4;

    [UnmanagedCallersOnly]
    private static byte IsCancelled(IntPtr cancelThis, int words)
    {
        var box = (CancellationBox?)GCHandle.FromIntPtr(cancelThis).Target;
        return box is not null && box.Token.IsCancellationRequested ? (byte)1 : (byte)0;
    }

    public void Dispose() => _api.Dispose();

    private sealed class CancellationBox(CancellationToken token)
    {
        public CancellationToken Token { get; } = token;
    }
}

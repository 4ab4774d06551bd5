using System.Runtime.InteropServices;

namespace PluginHost.Plugins.Ocr.Tesseract;

/// <summary>Tesseract's page segmentation modes (<c>--psm</c>), as numbered in its C API.</summary>
public enum PageSegMode
{
    OsdOnly = 0,
    AutoOsd = 1,
    AutoOnly = 2,
    Auto = 3,
    SingleColumn = 4,
    SingleBlockVertText = 5,
    SingleBlock = 6,
    SingleLine = 7,
    SingleWord = 8,
    CircleWord = 9,
    SingleChar = 10,
    SparseText = 11,
    SparseTextOsd = 12,
    RawLine = 13,
}

/// <summary>Levels of Tesseract's layout (<c>TessPageIteratorLevel</c>).</summary>
internal enum PageIteratorLevel
{
    Block = 0,
    Paragraph = 1,
    TextLine = 2,
    Word = 3,
    Symbol = 4,
}

/// <summary>A <c>TessBaseAPI*</c>: ended and deleted when released, so a handle is never leaked or freed twice.</summary>
internal sealed class TessBaseApiHandle : SafeHandle
{
    public TessBaseApiHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        TesseractNative.TessBaseAPIEnd(handle);
        TesseractNative.TessBaseAPIDelete(handle);
        return true;
    }
}

/// <summary>
/// The part of libtesseract's C API (<c>tesseract/capi.h</c>) this backend calls. The library is the system's
/// (Debian <c>libtesseract5</c>): <see cref="TesseractLibrary"/> finds and loads it before the first call.
/// C <c>BOOL</c> is an <c>int</c>.
/// </summary>
internal static unsafe partial class TesseractNative
{
    public const string Library = "tesseract";

    [LibraryImport(Library)]
    public static partial IntPtr TessVersion();

    [LibraryImport(Library)]
    public static partial TessBaseApiHandle TessBaseAPICreate();

    [LibraryImport(Library)]
    public static partial void TessBaseAPIDelete(IntPtr handle);

    [LibraryImport(Library)]
    public static partial void TessBaseAPIEnd(IntPtr handle);

    /// <summary>0 on success, -1 when the language data cannot be loaded.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TessBaseAPIInit3(TessBaseApiHandle handle, string? dataPath, string language);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TessBaseAPISetVariable(TessBaseApiHandle handle, string name, string value);

    [LibraryImport(Library)]
    public static partial void TessBaseAPISetPageSegMode(TessBaseApiHandle handle, PageSegMode mode);

    /// <summary>Copies the pixels: 1 byte per pixel is 8-bit gray; the buffer may be freed after the call.</summary>
    [LibraryImport(Library)]
    public static partial void TessBaseAPISetImage(TessBaseApiHandle handle, byte* imageData, int width, int height, int bytesPerPixel, int bytesPerLine);

    [LibraryImport(Library)]
    public static partial int TessBaseAPIRecognize(TessBaseApiHandle handle, IntPtr monitor);

    /// <summary>A UTF-8 string to free with <see cref="TessDeleteText"/>; null when nothing was recognised.</summary>
    [LibraryImport(Library)]
    public static partial IntPtr TessBaseAPIGetUTF8Text(TessBaseApiHandle handle);

    [LibraryImport(Library)]
    public static partial int TessBaseAPIMeanTextConf(TessBaseApiHandle handle);

    /// <summary>Frees the image and the recognition results; the loaded language data stays.</summary>
    [LibraryImport(Library)]
    public static partial void TessBaseAPIClear(TessBaseApiHandle handle);

    [LibraryImport(Library)]
    public static partial void TessDeleteText(IntPtr text);

    /// <summary>A <c>TessResultIterator*</c> over the last recognition (null when there is none); delete it.</summary>
    [LibraryImport(Library)]
    public static partial IntPtr TessBaseAPIGetIterator(TessBaseApiHandle handle);

    [LibraryImport(Library)]
    public static partial void TessResultIteratorDelete(IntPtr iterator);

    [LibraryImport(Library)]
    public static partial int TessResultIteratorNext(IntPtr iterator, PageIteratorLevel level);

    [LibraryImport(Library)]
    public static partial IntPtr TessResultIteratorGetUTF8Text(IntPtr iterator, PageIteratorLevel level);

    [LibraryImport(Library)]
    public static partial float TessResultIteratorConfidence(IntPtr iterator, PageIteratorLevel level);

    /// <summary>The page iterator inside a result iterator (not owned: never delete it).</summary>
    [LibraryImport(Library)]
    public static partial IntPtr TessResultIteratorGetPageIterator(IntPtr iterator);

    [LibraryImport(Library)]
    public static partial int TessPageIteratorBoundingBox(IntPtr iterator, PageIteratorLevel level, out int left, out int top, out int right, out int bottom);

    /// <summary>An <c>ETEXT_DESC*</c> progress monitor; its cancel function lets a request's cancellation stop Tesseract.</summary>
    [LibraryImport(Library)]
    public static partial IntPtr TessMonitorCreate();

    [LibraryImport(Library)]
    public static partial void TessMonitorDelete(IntPtr monitor);

    [LibraryImport(Library)]
    public static partial void TessMonitorSetCancelFunc(IntPtr monitor, delegate* unmanaged<IntPtr, int, byte> cancelFunc);

    [LibraryImport(Library)]
    public static partial void TessMonitorSetCancelThis(IntPtr monitor, IntPtr cancelThis);

    /// <summary>Reads a UTF-8 string Tesseract allocated and frees it.</summary>
    public static string? TakeText(IntPtr text)
    {
        if (text == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(text);
        }
        finally
        {
            TessDeleteText(text);
        }
    }
}

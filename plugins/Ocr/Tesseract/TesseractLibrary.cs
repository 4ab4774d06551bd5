using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace PluginHost.Plugins.Ocr.Tesseract;

/// <summary>
/// Finds and loads the system's libtesseract once per process, and points every <c>[LibraryImport("tesseract")]</c>
/// of this assembly at it. Before the first load it caps OpenMP: the Debian build parallelises each recognition with
/// OpenMP, which on a busy machine (and with several handles working at once) made one line 8× slower (88 ms → 11 ms
/// with <c>OMP_THREAD_LIMIT=1</c>). libgomp reads that variable once, when it is loaded, so it is set natively first.
/// </summary>
internal static partial class TesseractLibrary
{
    private static readonly string[] Candidates = OperatingSystem.IsWindows()
        ? ["tesseract53.dll", "libtesseract-5.dll", "tesseract.dll"]
        : OperatingSystem.IsMacOS()
            ? ["libtesseract.5.dylib", "libtesseract.dylib", "/opt/homebrew/lib/libtesseract.dylib", "/usr/local/lib/libtesseract.dylib"]
            : ["libtesseract.so.5", "libtesseract.so"];

    private static readonly Lock Gate = new();
    private static IntPtr _handle;
    private static string? _version;
    private static bool _resolverSet;

    /// <summary>The loaded library's version (e.g. <c>5.3.0</c>).</summary>
    public static string Version => _version ?? throw new InvalidOperationException("libtesseract is not loaded yet.");

    /// <summary>Loads libtesseract if needed. <paramref name="openMpThreadLimit"/> &gt; 0 sets <c>OMP_THREAD_LIMIT</c>
    /// first, unless the environment already has it. Throws <see cref="OcrConfigurationException"/> with an install hint.</summary>
    public static void EnsureLoaded(int openMpThreadLimit, ILogger logger)
    {
        lock (Gate)
        {
            if (!_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(TesseractLibrary).Assembly, Resolve);
                _resolverSet = true;
            }
            if (_handle != IntPtr.Zero) return;

            if (openMpThreadLimit > 0) LimitOpenMp(openMpThreadLimit, logger);
            foreach (var name in Candidates)
            {
                if (NativeLibrary.TryLoad(name, out var handle))
                {
                    _handle = handle;
                    break;
                }
            }
            if (_handle == IntPtr.Zero)
                throw new OcrConfigurationException(
                    $"libtesseract was not found (tried {string.Join(", ", Candidates)}). Install it: apt-get install tesseract-ocr tesseract-ocr-eng libtesseract5");
            _version = Marshal.PtrToStringUTF8(TesseractNative.TessVersion()) ?? "unknown";
            logger.LogInformation("Loaded libtesseract {Version}; OpenMP thread limit {Limit}", _version, OpenMpThreadLimit()?.ToString() ?? "n/a");
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == TesseractNative.Library) return _handle; // zero before EnsureLoaded: the runtime then fails clearly
        if (name == "libc" && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc)) return libc;
        return IntPtr.Zero;
    }

    private static void LimitOpenMp(int limit, ILogger logger)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_THREAD_LIMIT"))) return; // the operator chose
        if (OperatingSystem.IsWindows()) return;
        if (OpenMpThreadLimit() is { } current && current != limit)
        {
            // libgomp is already loaded (another plugin uses OpenMP): too late for the variable to apply.
            logger.LogWarning("OpenMP was loaded before libtesseract with a thread limit of {Limit}; OCR may be slow under load. " +
                "Start the host with OMP_THREAD_LIMIT=1", current);
            return;
        }
        if (SetEnv("OMP_THREAD_LIMIT", limit.ToString(System.Globalization.CultureInfo.InvariantCulture), 1) != 0)
            logger.LogWarning("Could not set OMP_THREAD_LIMIT; OCR may be slow under load");
    }

    /// <summary>libgomp's thread limit when libgomp is loaded in this process, else null.</summary>
    private static unsafe int? OpenMpThreadLimit()
    {
        if (!OperatingSystem.IsLinux()) return null;
        // RTLD_NOLOAD (4) | RTLD_LAZY (1): a handle only when the library is already loaded.
        var gomp = DlOpen("libgomp.so.1", 4 | 1);
        if (gomp == IntPtr.Zero) return null;
        return NativeLibrary.TryGetExport(gomp, "omp_get_thread_limit", out var export)
            ? ((delegate* unmanaged<int>)export)()
            : null;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr DlOpen(string file, int mode);
}

/// <summary>Tesseract cannot run here: the library or the language data is missing or unusable. The message says how to fix it.</summary>
public sealed class OcrConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

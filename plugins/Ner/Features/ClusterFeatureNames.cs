using System.Globalization;

namespace PluginHost.Plugins.Ner.Features;

/// <summary>
/// Every word-cluster feature string ("c256=49", "cf64=3", "c1024+1=7", …), built once per process: the featurizer
/// indexes them instead of formatting an id and concatenating a string for each of its ~10 cluster features per token
/// (prediction runs tens of thousands of tokens a second).
/// </summary>
internal sealed class ClusterFeatureNames
{
    /// <summary>Feature prefixes per kind and granularity, e.g. "c64=", "c256=", "c1024=" for <see cref="Whole"/>.</summary>
    private static readonly string[] Kinds = ["c", "cf", "cl", "c-1", "c+1"];

    public const int Whole = 0;
    public const int FirstPiece = 1;
    public const int LastPiece = 2;
    public const int Before = 3;
    public const int After = 4;

    private readonly string[][][] _names;
    private readonly string[][] _unknown;
    private readonly string[][] _edge;

    /// <param name="clusterCounts">Clusters per granularity, e.g. 64, 256, 1024.</param>
    public ClusterFeatureNames(IReadOnlyList<int> clusterCounts)
    {
        _names = new string[Kinds.Length][][];
        _unknown = new string[Kinds.Length][];
        _edge = new string[Kinds.Length][];
        for (var kind = 0; kind < Kinds.Length; kind++)
        {
            _names[kind] = new string[clusterCounts.Count][];
            _unknown[kind] = new string[clusterCounts.Count];
            _edge[kind] = new string[clusterCounts.Count];
            for (var grain = 0; grain < clusterCounts.Count; grain++)
            {
                var prefix = Prefix(kind, clusterCounts[grain]);
                _names[kind][grain] = Enumerable.Range(0, clusterCounts[grain]).Select(id => prefix + id.ToString(CultureInfo.InvariantCulture)).ToArray();
                _unknown[kind][grain] = prefix + "?";
                _edge[kind][grain] = prefix + (kind == After ? "</s>" : "<s>");
            }
        }
    }

    public int Grains => _names[0].Length;

    public string Get(int kind, int grain, int id) => _names[kind][grain][id];

    /// <summary>The feature of a neighbour the vocabulary cannot spell.</summary>
    public string Unknown(int kind, int grain) => _unknown[kind][grain];

    /// <summary>The feature of a neighbour beyond the text's start (<see cref="Before"/>) or end (<see cref="After"/>).</summary>
    public string Edge(int kind, int grain) => _edge[kind][grain];

    /// <summary>"c256=", "c256-1=": the kind's letters, the cluster count, then the neighbour offset if any.</summary>
    private static string Prefix(int kind, int count)
    {
        var letters = Kinds[kind];
        var offset = letters.Length > 1 && letters[1] is '-' or '+' ? letters[1..] : "";
        return (offset.Length > 0 ? letters[..1] : letters) + count.ToString(CultureInfo.InvariantCulture) + offset + "=";
    }
}

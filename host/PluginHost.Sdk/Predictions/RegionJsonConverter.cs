using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Predictions;

/// <summary>
/// Writes regions exactly in Label Studio's shape, skipping nulls. Hand-written because the label key varies
/// with the region type and because predictions are on the hot path. Regions are output-only: reading them
/// back is done with <see cref="Protocol.AnnotationRegion"/>.
/// </summary>
internal sealed class RegionJsonConverter : JsonConverter<Region>
{
    public override Region Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => throw new NotSupportedException("Regions are written only; read incoming regions as AnnotationRegion.");

    public override void Write(Utf8JsonWriter w, Region r, JsonSerializerOptions options)
    {
        w.WriteStartObject();
        if (r.Id is not null) w.WriteString("id", r.Id);
        // Relations carry no control or object: Label Studio writes them without from_name/to_name.
        if (r.FromName.Length > 0 || r.Type != "relation") w.WriteString("from_name", r.FromName);
        if (r.ToName.Length > 0 || r.Type != "relation") w.WriteString("to_name", r.ToName);
        w.WriteString("type", r.Type);
        if (r.Value is not null)
        {
            w.WritePropertyName("value");
            WriteValue(w, r.Value);
        }
        WriteNumber(w, "score", r.Score);
        if (r.Origin is not null) w.WriteString("origin", r.Origin);
        if (r.Readonly is { } ro) w.WriteBoolean("readonly", ro);
        if (r.Hidden is { } hidden) w.WriteBoolean("hidden", hidden);
        if (r.ParentId is not null) w.WriteString("parentID", r.ParentId);
        if (r.OriginalWidth is { } ow) w.WriteNumber("original_width", ow);
        if (r.OriginalHeight is { } oh) w.WriteNumber("original_height", oh);
        WriteNumber(w, "image_rotation", r.ImageRotation);
        if (r.FromId is not null) w.WriteString("from_id", r.FromId);
        if (r.ToId is not null) w.WriteString("to_id", r.ToId);
        if (r.Direction is not null) w.WriteString("direction", r.Direction);
        if (r.Labels is not null) WriteStrings(w, "labels", r.Labels);
        if (r.MetaText is not null)
        {
            w.WriteStartObject("meta");
            WriteStrings(w, "text", r.MetaText);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, RegionValue v)
    {
        w.WriteStartObject();
        WriteNumber(w, "start", v.Start ?? v.SeriesStart);
        WriteNumber(w, "end", v.End ?? v.SeriesEnd);
        if (v.Text is not null) w.WriteString("text", v.Text);
        if (v.StartOffsetPath is not null) w.WriteString("start", v.StartOffsetPath);
        if (v.EndOffsetPath is not null) w.WriteString("end", v.EndOffsetPath);
        if (v.StartOffset is { } so) w.WriteNumber("startOffset", so);
        if (v.EndOffset is { } eo) w.WriteNumber("endOffset", eo);
        WriteNumber(w, "x", v.X);
        WriteNumber(w, "y", v.Y);
        WriteNumber(w, "width", v.Width);
        WriteNumber(w, "height", v.Height);
        WriteNumber(w, "radiusX", v.RadiusX);
        WriteNumber(w, "radiusY", v.RadiusY);
        WriteNumber(w, "rotation", v.Rotation);
        if (v.Points is not null)
        {
            w.WriteStartArray("points");
            foreach (var (x, y) in v.Points)
            {
                w.WriteStartArray();
                w.WriteNumberValue(x);
                w.WriteNumberValue(y);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        if (v.Closed is { } closed) w.WriteBoolean("closed", closed);
        if (v.Format is not null) w.WriteString("format", v.Format);
        if (v.Rle is not null)
        {
            w.WriteStartArray("rle");
            foreach (var n in v.Rle) w.WriteNumberValue(n);
            w.WriteEndArray();
        }
        if (v.Choices is not null) WriteStrings(w, "choices", v.Choices);
        if (v.TextLines is not null) WriteStrings(w, "text", v.TextLines);
        if (v.Taxonomy is not null)
        {
            w.WriteStartArray("taxonomy");
            foreach (var path in v.Taxonomy)
            {
                w.WriteStartArray();
                foreach (var node in path) w.WriteStringValue(node);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        WriteNumber(w, "rating", v.Rating);
        WriteNumber(w, "number", v.Number);
        if (v.DateTime is not null) w.WriteString("datetime", v.DateTime);
        if (v.Rank is not null) WriteStrings(w, "rank", v.Rank);
        if (v.Ranker is not null)
        {
            w.WriteStartObject("ranker");
            foreach (var (bucket, ids) in v.Ranker) WriteStrings(w, bucket, ids);
            w.WriteEndObject();
        }
        if (v.Selected is not null) w.WriteString("selected", v.Selected);
        if (v.Instant is { } instant) w.WriteBoolean("instant", instant);
        if (v.Ranges is not null)
        {
            w.WriteStartArray("ranges");
            foreach (var (start, end) in v.Ranges)
            {
                w.WriteStartObject();
                w.WriteNumber("start", start);
                w.WriteNumber("end", end);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (v.FramesCount is { } frames) w.WriteNumber("framesCount", frames);
        WriteNumber(w, "duration", v.Duration);
        if (v.Sequence is not null)
        {
            w.WriteStartArray("sequence");
            foreach (var f in v.Sequence)
            {
                w.WriteStartObject();
                w.WriteNumber("frame", f.Frame);
                w.WriteBoolean("enabled", f.Enabled);
                w.WriteNumber("rotation", f.Rotation);
                w.WriteNumber("x", f.X);
                w.WriteNumber("y", f.Y);
                w.WriteNumber("width", f.Width);
                w.WriteNumber("height", f.Height);
                w.WriteNumber("time", f.Time);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (v.LabelsKey is not null && v.Labels is not null) WriteStrings(w, v.LabelsKey, v.Labels);
        w.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } d && double.IsFinite(d)) w.WriteNumber(name, d);
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var s in values) w.WriteStringValue(s);
        w.WriteEndArray();
    }
}

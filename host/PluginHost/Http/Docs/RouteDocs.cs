using Microsoft.AspNetCore.Http.Metadata;

namespace PluginHost.Http.Docs;

/// <summary>
/// OpenAPI metadata for the routes, which are plain <see cref="RequestDelegate"/>s (no inferred parameters): the
/// request and response types, the operation's name (its examples in <see cref="RouteExamples"/>) and its text.
/// </summary>
internal static class RouteDocs
{
    private static readonly string[] Json = ["application/json"];

    /// <summary>Names the operation, groups it under <paramref name="tag"/>, and declares the JSON error envelope for 4xx/5xx.</summary>
    public static IEndpointConventionBuilder Documented(this IEndpointConventionBuilder builder, string name, string tag, string summary, string description)
    {
        // The API explorer lists only endpoints with a handler method: a plain RequestDelegate route gets its own here.
        builder.Add(endpoint => endpoint.Metadata.Add(endpoint.RequestDelegate!.Method));
        return builder.WithName(name).WithTags(tag).WithSummary(summary).WithDescription(description)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(ApiError), Json),
                new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ApiError), Json),
                new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ApiError), Json),
                new ProducesResponseTypeMetadata(StatusCodes.Status500InternalServerError, typeof(ApiError), Json));
    }

    public static IEndpointConventionBuilder Takes<TRequest>(this IEndpointConventionBuilder builder, bool optional = false) =>
        builder.WithMetadata(new AcceptsMetadata(Json, typeof(TRequest), optional));

    public static IEndpointConventionBuilder Answers<TResponse>(this IEndpointConventionBuilder builder, int status = StatusCodes.Status200OK) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(TResponse), Json));

    /// <summary>A non-JSON answer (the Prometheus text, the status page, server-sent events).</summary>
    public static IEndpointConventionBuilder AnswersText(this IEndpointConventionBuilder builder, string contentType) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [contentType]));
}

using System.Xml;

namespace PluginHost.Sdk.LabelConfigs;

public sealed class LabelConfigException(string message, Exception? inner = null) : Exception(message, inner);

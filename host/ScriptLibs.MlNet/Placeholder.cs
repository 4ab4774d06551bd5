// Intentionally empty: see ScriptLibs.MlNet.csproj.

# Sourced by scripts/install.sh and scripts/package.sh: publishes the blech-bridge command into a folder, self-contained
# for linux-x64 (no .NET needed on the machine) and ReadyToRun, composite (the command and the framework precompiled in one
# image, generics across assemblies included), so that a run that does little starts fast (README, Performance).
# Native AOT is not used: Dapper emits IL at run time, and System.Text.Json's reflection paths need the JIT.
publish_cli() { # publish_cli DIR
  dotnet publish "$(dirname "${BASH_SOURCE[0]}")/../../src/Bridge.Cli" -c Release -r linux-x64 --self-contained \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -p:DebugType=none -p:SatelliteResourceLanguages=en -o "$1" --nologo -v quiet -clp:ErrorsOnly
}
# The version written once, in src/Directory.Build.props.
bridge_version() {
  sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$(dirname "${BASH_SOURCE[0]}")/../../src/Directory.Build.props"
}

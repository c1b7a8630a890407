# Sourced by scripts/install.sh and scripts/package.sh: publishes the blech-bridge command into a folder as Native AOT for
# linux-x64: one native executable, no .NET needed on the machine, no JIT and no run-time type loading, so that a run that
# does little starts fast (README, Performance). Every source project is built with the AOT analyzers as errors
# (src/Directory.Build.props), and Dapper's calls are compiled at build time (Dapper.AOT). Needs clang and zlib1g-dev
# (scripts/install-deps.sh).
publish_cli() { # publish_cli DIR
  dotnet publish "$(dirname "${BASH_SOURCE[0]}")/../../src/Bridge.Cli" -c Release -r linux-x64 \
    -p:PublishAot=true -p:DebugType=none -p:StripSymbols=true -p:SatelliteResourceLanguages=en -o "$1" --nologo -v quiet -clp:ErrorsOnly
}
# The version written once, in src/Directory.Build.props.
bridge_version() {
  sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$(dirname "${BASH_SOURCE[0]}")/../../src/Directory.Build.props"
}

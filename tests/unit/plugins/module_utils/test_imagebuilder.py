"""The module helpers that read AWS answers."""
import pytest

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.imagebuilder import ami_platform


@pytest.mark.parametrize("image, platform", [
    (dict(ImageId="ami-1", Architecture="x86_64", PlatformDetails="Linux/UNIX"), "Linux"),
    (dict(ImageId="ami-2", Architecture="arm64", PlatformDetails="Red Hat Enterprise Linux"), "Linux"),
    (dict(ImageId="ami-3", Architecture="x86_64", Platform="windows", PlatformDetails="Windows"), "Windows"),
    (dict(ImageId="ami-4", Architecture="arm64_mac", PlatformDetails="Linux/UNIX"), "macOS"),
    (dict(ImageId="ami-5", Architecture="x86_64_mac"), "macOS"),
    (None, None),
])
def test_the_platform_of_an_ami_is_told_from_its_describe_images_entry(image, platform):
    assert ami_platform(dict(Images=[image] if image else [])) == platform


def test_no_describe_images_answer_tells_no_platform():
    assert ami_platform(None) is None

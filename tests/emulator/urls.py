"""Image Builder URLs for moto's server (rest-json: ``PUT /CreateComponent``, ``GET /tags/{resourceArn}``)."""
from tests.emulator.responses import ImageBuilderResponse

url_bases = [r"https?://imagebuilder\.(.+)\.amazonaws\.com"]

url_paths = {
    "{0}/(?P<operation>[A-Za-z]+)$": ImageBuilderResponse.dispatch,
    "{0}/tags/(?P<resourceArn>.+)$": ImageBuilderResponse.dispatch,
}

"""Every router of the application, pages first; a feature adds its routers here."""

from kechuang.auth import api as auth_api
from kechuang.auth import pages as auth_pages
from kechuang.carriers import api as carriers_api
from kechuang.carriers import pages as carriers_pages
from kechuang.chains import api as chains_api
from kechuang.chains import pages as chains_pages
from kechuang.challenges import api as challenges_api
from kechuang.challenges import pages as challenges_pages
from kechuang.documents import api as documents_api
from kechuang.documents import pages as documents_pages
from kechuang.enterprises import api as enterprises_api
from kechuang.enterprises import pages as enterprises_pages
from kechuang.indicators import api as indicators_api
from kechuang.indicators import pages as indicators_pages
from kechuang.jobs import api as jobs_api
from kechuang.jobs import pages as jobs_pages
from kechuang.ladder import api as ladder_api
from kechuang.ladder import pages as ladder_pages
from kechuang.maps import pages as maps_pages
from kechuang.matching import api as matching_api
from kechuang.matching import pages as matching_pages
from kechuang.points import api as points_api
from kechuang.points import pages as points_pages
from kechuang.projects import api as projects_api
from kechuang.projects import pages as projects_pages
from kechuang.regions import api as regions_api
from kechuang.regions import pages as regions_pages
from kechuang.talent import pages as talent_pages
from kechuang.web import home, workbooks_api

ROUTERS = [
    home.router,
    auth_pages.router,
    regions_pages.router,
    enterprises_pages.router,
    ladder_pages.router,
    points_pages.router,
    chains_pages.router,
    projects_pages.router,
    indicators_pages.router,
    documents_pages.router,
    matching_pages.router,
    challenges_pages.router,
    carriers_pages.router,
    talent_pages.router,
    maps_pages.router,
    jobs_pages.router,
    auth_api.router,
    regions_api.router,
    enterprises_api.router,
    ladder_api.router,
    chains_api.router,
    projects_api.router,
    indicators_api.router,
    points_api.router,
    documents_api.router,
    matching_api.router,
    challenges_api.router,
    carriers_api.router,
    workbooks_api.router,
    jobs_api.router,
    home.api,
]

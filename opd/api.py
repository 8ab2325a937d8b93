from django.db.models import Prefetch
from rest_framework import generics

from .models import Category, Desa, Kecamatan, Opd
from .serializers import CategorySerializer, KecamatanSerializer, OpdSerializer


class AreaList(generics.ListAPIView):
    """The 6 kecamatan of Badung with their desa/kelurahan (Kemendagri codes)."""

    serializer_class = KecamatanSerializer
    pagination_class = None
    filter_backends = []
    queryset = Kecamatan.objects.select_related("office").prefetch_related(
        Prefetch("desa_set", queryset=Desa.objects.order_by("code"))
    )


class CategoryList(generics.ListAPIView):
    """Complaint categories with their sector, default OPD and resolution target."""

    serializer_class = CategorySerializer
    pagination_class = None
    filter_backends = []
    queryset = Category.objects.filter(is_active=True).select_related("sector", "default_opd")


class OpdList(generics.ListAPIView):
    """The regency's agencies, kecamatan offices and regional enterprises."""

    serializer_class = OpdSerializer
    pagination_class = None
    filter_backends = []
    queryset = (
        Opd.objects.filter(is_active=True).select_related("kecamatan").prefetch_related("sectors")
    )

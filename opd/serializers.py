from rest_framework import serializers

from .models import Category, Desa, Kecamatan, Opd


class DesaSerializer(serializers.ModelSerializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()

    class Meta:
        model = Desa
        fields = ["code", "name", "kind", "latitude", "longitude"]


class KecamatanSerializer(serializers.ModelSerializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    desa = DesaSerializer(source="desa_set", many=True)
    office = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Kecamatan
        fields = ["code", "name", "latitude", "longitude", "office", "desa"]


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sector_name = serializers.CharField(source="sector.name")
    default_opd = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "name_id",
            "name_en",
            "sector",
            "sector_name",
            "default_opd",
            "target_working_days",
        ]


class OpdSerializer(serializers.ModelSerializer):
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    kecamatan = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Opd
        fields = ["code", "abbreviation", "name", "kind", "sectors", "kecamatan"]
